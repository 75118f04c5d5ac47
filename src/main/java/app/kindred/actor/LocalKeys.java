package app.kindred.actor;

import app.kindred.federation.signature.VerificationKey;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

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

    /** FEP-521a publicKeyMultibase of the Ed25519 key. */
    public String ed25519Multibase() {
        return new VerificationKey.Ed25519Key(new Ed25519PublicKeyParameters(ed25519Public)).toMultibase();
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
