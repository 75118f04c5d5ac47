package app.kindred.federation.signature;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The public-key algorithms of the RFC 9421 registry that the fediverse uses; names are the registry's. */
public enum SignatureAlgorithm {
    RSA_V1_5_SHA256("rsa-v1_5-sha256"),
    RSA_PSS_SHA512("rsa-pss-sha512"),
    ECDSA_P256_SHA256("ecdsa-p256-sha256"),
    ED25519("ed25519");

    private final String rfc9421Name;

    SignatureAlgorithm(String rfc9421Name) {
        this.rfc9421Name = rfc9421Name;
    }

    public String rfc9421Name() {
        return rfc9421Name;
    }

    public static Optional<SignatureAlgorithm> fromRfc9421Name(String name) {
        return Arrays.stream(values()).filter(a -> a.rfc9421Name.equals(name)).findFirst();
    }

    /** Whether this algorithm can run with the given key type. */
    public boolean fits(VerificationKey key) {
        return switch (key) {
            case VerificationKey.RsaKey k -> this == RSA_V1_5_SHA256 || this == RSA_PSS_SHA512;
            case VerificationKey.Ed25519Key k -> this == ED25519;
            case VerificationKey.EcP256Key k -> this == ECDSA_P256_SHA256;
        };
    }

    public boolean fits(SigningKey key) {
        return switch (key) {
            case SigningKey.RsaSigningKey k -> this == RSA_V1_5_SHA256 || this == RSA_PSS_SHA512;
            case SigningKey.Ed25519SigningKey k -> this == ED25519;
            case SigningKey.EcP256SigningKey k -> this == ECDSA_P256_SHA256;
        };
    }

    /** Algorithms to try when the signature does not name one; an RSA key may have been used with either padding. */
    static List<SignatureAlgorithm> candidatesFor(VerificationKey key) {
        return switch (key) {
            case VerificationKey.RsaKey k -> List.of(RSA_V1_5_SHA256, RSA_PSS_SHA512);
            case VerificationKey.Ed25519Key k -> List.of(ED25519);
            case VerificationKey.EcP256Key k -> List.of(ECDSA_P256_SHA256);
        };
    }

    /** The default algorithm for signing with a key. */
    public static SignatureAlgorithm defaultFor(SigningKey key) {
        return switch (key) {
            case SigningKey.RsaSigningKey k -> RSA_V1_5_SHA256;
            case SigningKey.Ed25519SigningKey k -> ED25519;
            case SigningKey.EcP256SigningKey k -> ECDSA_P256_SHA256;
        };
    }

    /** Verifies; false (never an exception) for a wrong key type, a malformed signature or a mismatch. */
    public boolean verify(VerificationKey key, byte[] data, byte[] signature) {
        return verify(key, data, signature, RsaSignatures.active());
    }

    /** {@link #verify(VerificationKey, byte[], byte[])} with the RSA implementation given, for tests. */
    boolean verify(VerificationKey key, byte[] data, byte[] signature, RsaSignatures rsa) {
        if (!fits(key) || signature == null) {
            return false;
        }
        try {
            return switch (key) {
                case VerificationKey.RsaKey k -> rsa.verify(this, k.key(), data, signature);
                case VerificationKey.Ed25519Key k -> {
                    if (signature.length != 64) {
                        yield false;
                    }
                    Ed25519Signer verifier = new Ed25519Signer();
                    verifier.init(false, k.key());
                    verifier.update(data, 0, data.length);
                    yield verifier.verifySignature(signature);
                }
                case VerificationKey.EcP256Key k -> {
                    // RFC 9421 sends raw r||s; some cavage signers send DER. Accept both.
                    byte[] der = signature.length == 64 ? rawToDer(signature) : signature;
                    Signature verifier = Signature.getInstance("SHA256withECDSA");
                    verifier.initVerify(k.key());
                    verifier.update(data);
                    yield verifier.verify(der);
                }
            };
        } catch (GeneralSecurityException | RuntimeException | IOException e) {
            return false;
        }
    }

    /**
     * Signs. ECDSA output is raw r||s as RFC 9421 wants.
     *
     * @throws IllegalArgumentException when the key does not fit this algorithm
     */
    public byte[] sign(SigningKey key, byte[] data) {
        return sign(key, data, RsaSignatures.active());
    }

    /** {@link #sign(SigningKey, byte[])} with the RSA implementation given, for tests. */
    byte[] sign(SigningKey key, byte[] data, RsaSignatures rsa) {
        if (!fits(key)) {
            throw new IllegalArgumentException(rfc9421Name + " cannot sign with " + key);
        }
        try {
            return switch (key) {
                case SigningKey.RsaSigningKey k -> rsa.sign(this, k.key(), data);
                case SigningKey.Ed25519SigningKey k -> {
                    Ed25519Signer signer = new Ed25519Signer();
                    signer.init(true, k.key());
                    signer.update(data, 0, data.length);
                    yield signer.generateSignature();
                }
                case SigningKey.EcP256SigningKey k -> {
                    Signature signer = Signature.getInstance("SHA256withECDSA");
                    signer.initSign(k.key());
                    signer.update(data);
                    yield derToRaw(signer.sign());
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + rfc9421Name + " failed", e);
        }
    }

    /** Which RSA implementation signs and verifies in this process, e.g. "Conscrypt 2.9.0 (BoringSSL)"; for logs. */
    public static String rsaImplementation() {
        return RsaSignatures.active().description();
    }

    static byte[] rawToDer(byte[] raw) throws IOException {
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
        return new DERSequence(new ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
    }

    static byte[] derToRaw(byte[] der) {
        ASN1Sequence sequence = ASN1Sequence.getInstance(der);
        byte[] raw = new byte[64];
        copyUnsigned(ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue(), raw, 0);
        copyUnsigned(ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue(), raw, 32);
        return raw;
    }

    private static void copyUnsigned(BigInteger value, byte[] target, int offset) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 32 ? bytes.length - 32 : 0;
        int length = bytes.length - start;
        System.arraycopy(bytes, start, target, offset + 32 - length, length);
    }
}
