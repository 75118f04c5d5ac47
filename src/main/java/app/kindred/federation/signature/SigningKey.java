package app.kindred.federation.signature;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** A parsed private key for signing requests. toString never shows key material, so it is safe to log. */
public sealed interface SigningKey {

    /** The key is kept as the RSA implementation's own object (see {@link RsaSignatures}), converted here once. */
    record RsaSigningKey(RSAPrivateKey key) implements SigningKey {
        public RsaSigningKey {
            key = RsaSignatures.active().privateKey(key);
        }

        @Override
        public String toString() {
            return "RsaSigningKey[" + key.getModulus().bitLength() + " bits]";
        }
    }

    record Ed25519SigningKey(Ed25519PrivateKeyParameters key) implements SigningKey {
        public VerificationKey.Ed25519Key publicKey() {
            return new VerificationKey.Ed25519Key(key.generatePublicKey());
        }

        @Override
        public String toString() {
            return "Ed25519SigningKey[]";
        }
    }

    record EcP256SigningKey(ECPrivateKey key) implements SigningKey {
        @Override
        public String toString() {
            return "EcP256SigningKey[]";
        }
    }

    /**
     * Parses a PEM private key: PKCS#8 ("BEGIN PRIVATE KEY") holding RSA, RSASSA-PSS, Ed25519 or EC P-256, or PKCS#1
     * ("BEGIN RSA PRIVATE KEY").
     *
     * @throws IllegalArgumentException when the text is not such a key
     */
    static SigningKey fromPem(String pem) {
        return KeyDecoding.privateKeyFromPem(pem);
    }
}
