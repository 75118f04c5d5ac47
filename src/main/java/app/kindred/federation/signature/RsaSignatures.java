package app.kindred.federation.signature;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Objects;
import java.util.Optional;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where RSA signatures are computed: BoringSSL through Conscrypt where its native library loads (about 2-4x the JDK's
 * {@code BigInteger} RSA in the same runs, see docs/benchmarks.md), else the JDK's SunRsaSign. The provider is always passed to
 * {@link Signature#getInstance(String, Provider)} explicitly; nothing is installed globally.
 *
 * <p>Keys are converted once into the provider's own key objects ({@link #publicKey}, {@link #privateKey}; the
 * {@link VerificationKey.RsaKey} and {@link SigningKey.RsaSigningKey} records do it when they are made), so a
 * verification never re-parses a key. A key Conscrypt would not take (BoringSSL refuses, say, public exponents over
 * 33 bits) stays a JDK key and is handled by the JDK, so nothing the JDK accepted before is refused now.
 *
 * <p>A {@link Signature} is made per operation: it is not thread-safe, a ThreadLocal one measured no faster (within
 * the noise of a shared machine, either way; docs/benchmarks.md), and on the virtual threads that serve requests a
 * ThreadLocal would give no reuse anyway.
 */
final class RsaSignatures {

    private static final Logger log = LoggerFactory.getLogger(RsaSignatures.class);

    /** RFC 9421's rsa-pss-sha512: SHA-512, MGF1 with SHA-512, 64-byte salt. */
    private static final PSSParameterSpec PSS_SHA512 =
            new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, PSSParameterSpec.TRAILER_FIELD_BC);

    private final Provider provider;
    private final String name;
    private final boolean conscrypt;
    private final KeyFactory keyFactory;
    /** Whether this provider does rsa-pss-sha512 itself; if not, PSS goes to the fallback. */
    private final boolean pss;
    /** Where keys the provider would not adopt, and PSS if the provider lacks it, go; null when this is the JDK. */
    private final RsaSignatures fallback;

    private RsaSignatures(Provider provider, String name, boolean conscrypt, RsaSignatures fallback)
            throws GeneralSecurityException {
        this.provider = Objects.requireNonNull(provider);
        this.name = name;
        this.conscrypt = conscrypt;
        this.keyFactory = KeyFactory.getInstance("RSA", provider);
        this.fallback = fallback;
        this.pss = fallback == null || supportsPss();
    }

    private boolean supportsPss() {
        try {
            newSignature(SignatureAlgorithm.RSA_PSS_SHA512);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The process-wide choice, made once on first use and logged at INFO. */
    static RsaSignatures active() {
        return Holder.ACTIVE;
    }

    /** The JDK's SunRsaSign, whatever {@link #active()} is. */
    static RsaSignatures jdk() {
        return Holder.JDK;
    }

    /** Conscrypt, when its native library loads on this machine. */
    static Optional<RsaSignatures> conscrypt() {
        return Holder.CONSCRYPT;
    }

    /** A short name for logs and tests: "Conscrypt 2.9.0 (BoringSSL)" or "JDK SunRsaSign". */
    String description() {
        return name + (pss ? "" : "; the JDK for rsa-pss-sha512");
    }

    boolean isConscrypt() {
        return conscrypt;
    }

    Provider provider() {
        return provider;
    }

    /** The key as this provider's own object, converted once; the key itself if the provider will not take it. */
    RSAPublicKey publicKey(RSAPublicKey key) {
        if (key == null || fallback == null || owns(key)) {
            return key;
        }
        try {
            return (RSAPublicKey) keyFactory.translateKey(key);
        } catch (InvalidKeyException | RuntimeException e) {
            return key;
        }
    }

    RSAPrivateKey privateKey(RSAPrivateKey key) {
        if (key == null || fallback == null || owns(key)) {
            return key;
        }
        try {
            return (RSAPrivateKey) keyFactory.translateKey(key);
        } catch (InvalidKeyException | RuntimeException e) {
            return key;
        }
    }

    /** Verifies; false for a mismatch, a malformed signature or a key the algorithm cannot use. */
    boolean verify(SignatureAlgorithm algorithm, RSAPublicKey key, byte[] data, byte[] signature) {
        if (fallback != null && (!owns(key) || (algorithm == SignatureAlgorithm.RSA_PSS_SHA512 && !pss))) {
            return fallback.verify(algorithm, key, data, signature);
        }
        try {
            Signature verifier = newSignature(algorithm);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    byte[] sign(SignatureAlgorithm algorithm, RSAPrivateKey key, byte[] data) throws GeneralSecurityException {
        if (fallback != null && (!owns(key) || (algorithm == SignatureAlgorithm.RSA_PSS_SHA512 && !pss))) {
            return fallback.sign(algorithm, key, data);
        }
        Signature signer = newSignature(algorithm);
        signer.initSign(key);
        signer.update(data);
        return signer.sign();
    }

    private Signature newSignature(SignatureAlgorithm algorithm) throws GeneralSecurityException {
        return switch (algorithm) {
            case RSA_V1_5_SHA256 -> Signature.getInstance("SHA256withRSA", provider);
            case RSA_PSS_SHA512 -> {
                Signature pss = conscrypt
                        ? Signature.getInstance("SHA512withRSA/PSS", provider)
                        : Signature.getInstance("RSASSA-PSS", provider);
                pss.setParameter(PSS_SHA512);
                yield pss;
            }
            default -> throw new IllegalArgumentException(algorithm + " is not an RSA algorithm");
        };
    }

    /** Whether the key is already one of this provider's own objects (Conscrypt's live in its package). */
    private boolean owns(Key key) {
        return key.getClass().getName().startsWith("org.conscrypt.");
    }

    /** Initialised once, on first use; nothing here changes afterwards. */
    private static final class Holder {
        static final RsaSignatures JDK = loadJdk();
        static final Optional<RsaSignatures> CONSCRYPT = loadConscrypt();
        static final RsaSignatures ACTIVE = CONSCRYPT.orElse(JDK);

        static {
            log.info(
                    "RSA signatures: {}",
                    ACTIVE.description()
                            + (ACTIVE.isConscrypt() ? "" : " (Conscrypt's native library is not available here)"));
        }

        private static RsaSignatures loadJdk() {
            Provider sun = Security.getProvider("SunRsaSign");
            try {
                Provider jdk = sun != null
                        ? sun
                        : Signature.getInstance("SHA256withRSA").getProvider();
                return new RsaSignatures(jdk, "JDK " + jdk.getName(), false, null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no RSA signatures", e);
            }
        }

        private static Optional<RsaSignatures> loadConscrypt() {
            try {
                if (!Conscrypt.isAvailable()) {
                    return Optional.empty();
                }
                Conscrypt.Version version = Conscrypt.version();
                String name = "Conscrypt "
                        + (version == null ? "" : version.major() + "." + version.minor() + "." + version.patch() + " ")
                        + "(BoringSSL)";
                RsaSignatures conscrypt = new RsaSignatures(Conscrypt.newProvider(), name, true, JDK);
                conscrypt.newSignature(SignatureAlgorithm.RSA_V1_5_SHA256);
                return Optional.of(conscrypt);
            } catch (Throwable e) {
                // NoClassDefFoundError, UnsatisfiedLinkError or a provider without the algorithms: use the JDK.
                log.debug("Conscrypt is not usable", e);
                return Optional.empty();
            }
        }
    }
}
