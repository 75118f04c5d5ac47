package app.kindred.federation.signature;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * A parsed public key, ready to verify signatures. Parse once (e.g. when an actor is fetched) and keep it:
 * verification never re-parses.
 */
public sealed interface VerificationKey {

    /** The key is kept as the RSA implementation's own object (see {@link RsaSignatures}), converted here once. */
    record RsaKey(RSAPublicKey key) implements VerificationKey {
        public RsaKey {
            key = RsaSignatures.active().publicKey(key);
        }
    }

    record Ed25519Key(Ed25519PublicKeyParameters key) implements VerificationKey {
        /** The FEP-521a Multikey form: 'z' + base58btc(0xed 0x01 + 32 key bytes). */
        public String toMultibase() {
            byte[] raw = key.getEncoded();
            byte[] prefixed = new byte[raw.length + 2];
            prefixed[0] = (byte) 0xed;
            prefixed[1] = 0x01;
            System.arraycopy(raw, 0, prefixed, 2, raw.length);
            return "z" + Base58Btc.encode(prefixed);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Ed25519Key that && Arrays.equals(key.getEncoded(), that.key.getEncoded());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key.getEncoded());
        }
    }

    record EcP256Key(ECPublicKey key) implements VerificationKey {}

    /**
     * Parses a PEM public key: SPKI ("BEGIN PUBLIC KEY") holding RSA, RSASSA-PSS, Ed25519 or EC P-256, or PKCS#1
     * ("BEGIN RSA PUBLIC KEY").
     *
     * @throws IllegalArgumentException when the text is not such a key
     */
    static VerificationKey fromPem(String pem) {
        return KeyDecoding.publicKeyFromPem(pem);
    }

    /**
     * Parses a FEP-521a {@code publicKeyMultibase} value holding an Ed25519 key.
     *
     * @throws IllegalArgumentException when the value is not a base58btc Ed25519 Multikey
     */
    static VerificationKey fromMultibase(String multibase) {
        return KeyDecoding.publicKeyFromMultibase(multibase);
    }
}
