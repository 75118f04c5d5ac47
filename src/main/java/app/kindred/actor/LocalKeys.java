package app.kindred.actor;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The two key pairs every local actor has: RSA-2048 (#main-key, what every fediverse server reads)
 * and Ed25519 (a FEP-521a Multikey). The private halves never appear in toString, logs or APIs.
 */
public record LocalKeys(String rsaPublicPem, String rsaPrivatePem, byte[] ed25519Public, byte[] ed25519Private) {

    public static LocalKeys generate(SecureRandom random) {
        try {
            var rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048, random);
            var pair = rsa.generateKeyPair();
            var ed = new Ed25519PrivateKeyParameters(random);
            return new LocalKeys(
                    pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                    pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
                    ed.generatePublicKey().getEncoded(),
                    ed.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no RSA key generator", e);
        }
    }

    /** FEP-521a publicKeyMultibase: 'z' + base58btc(multicodec ed25519-pub 0xed01 + 32 key bytes). */
    public String ed25519Multibase() {
        var prefixed = new byte[2 + ed25519Public.length];
        prefixed[0] = (byte) 0xed;
        prefixed[1] = 0x01;
        System.arraycopy(ed25519Public, 0, prefixed, 2, ed25519Public.length);
        return "z" + Base58.encode(prefixed);
    }

    static String pem(String label, byte[] der) {
        var body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    @Override
    public String toString() {
        return "LocalKeys[rsaPublicPem=" + rsaPublicPem.length() + " chars, private keys redacted]";
    }
}
