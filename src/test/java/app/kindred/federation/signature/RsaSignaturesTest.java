package app.kindred.federation.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The two RSA implementations (Conscrypt's BoringSSL and the JDK's SunRsaSign) agree: each verifies what the other
 * signed, PKCS#1 v1.5 signatures are byte-identical, and the JDK alone (the fallback where Conscrypt's native library
 * does not load) does the whole job.
 */
class RsaSignaturesTest {

    private static final byte[] DATA =
            "\"@method\": POST\n\"@signature-params\": (\"@method\")".getBytes(StandardCharsets.UTF_8);
    private static final List<SignatureAlgorithm> RSA =
            List.of(SignatureAlgorithm.RSA_V1_5_SHA256, SignatureAlgorithm.RSA_PSS_SHA512);

    private static RsaSignatures conscrypt() {
        assumeTrue(RsaSignatures.conscrypt().isPresent(), "Conscrypt's native library does not load here");
        return RsaSignatures.conscrypt().orElseThrow();
    }

    @Test
    void conscryptIsTheActiveImplementationOnLinuxX8664() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(
                os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "the uber jar's library is for linux-x86_64");
        assertTrue(RsaSignatures.active().isConscrypt(), RsaSignatures.active().description());
        assertTrue(
                SignatureAlgorithm.rsaImplementation().startsWith("Conscrypt "),
                SignatureAlgorithm.rsaImplementation());
        assertEquals("Conscrypt", RsaSignatures.active().provider().getName());
    }

    @Test
    void theJdkFallbackIsTheJdksOwnProvider() {
        RsaSignatures jdk = RsaSignatures.jdk();
        assertFalse(jdk.isConscrypt());
        assertEquals("SunRsaSign", jdk.provider().getName());
        assertEquals("JDK SunRsaSign", jdk.description());
    }

    @Test
    void keysAreConvertedOnceIntoConscryptsOwnObjects() {
        RsaSignatures conscrypt = conscrypt();
        assumeTrue(RsaSignatures.active() == conscrypt);
        var key = (VerificationKey.RsaKey) SignatureFixtures.RSA.verification();
        assertTrue(
                key.key().getClass().getName().startsWith("org.conscrypt."),
                key.key().getClass().getName());
        assertSame(key.key(), conscrypt.publicKey(key.key()), "an adopted key is not converted again");
        var signing = (SigningKey.RsaSigningKey) SignatureFixtures.RSA.signing();
        assertTrue(
                signing.key().getClass().getName().startsWith("org.conscrypt."),
                signing.key().getClass().getName());
        // The PEM parsers (the JDK's KeyFactory) end up in the same place.
        VerificationKey parsed = VerificationKey.fromPem(SignatureFixtures.resource("cavage/test-public.pem"));
        assertTrue(((VerificationKey.RsaKey) parsed).key().getClass().getName().startsWith("org.conscrypt."));
        assertEquals(parsed, VerificationKey.fromPem(SignatureFixtures.resource("cavage/test-public.pem")));
    }

    @Test
    void eachImplementationVerifiesWhatTheOtherSigned() {
        RsaSignatures conscrypt = conscrypt();
        RsaSignatures jdk = RsaSignatures.jdk();
        SigningKey signing = SignatureFixtures.RSA.signing();
        VerificationKey verification = SignatureFixtures.RSA.verification();
        for (SignatureAlgorithm algorithm : RSA) {
            byte[] byConscrypt = algorithm.sign(signing, DATA, conscrypt);
            byte[] byJdk = algorithm.sign(signing, DATA, jdk);
            assertEquals(256, byConscrypt.length, algorithm.name());
            assertTrue(
                    algorithm.verify(verification, DATA, byConscrypt, jdk),
                    algorithm + ": Conscrypt-signed, JDK-verified");
            assertTrue(
                    algorithm.verify(verification, DATA, byJdk, conscrypt),
                    algorithm + ": JDK-signed, Conscrypt-verified");
            assertTrue(algorithm.verify(verification, DATA, byConscrypt, conscrypt), algorithm.name());
            assertTrue(algorithm.verify(verification, DATA, byJdk, jdk), algorithm.name());

            byte[] tampered = byConscrypt.clone();
            tampered[10] ^= 1;
            assertFalse(algorithm.verify(verification, DATA, tampered, conscrypt), algorithm.name());
            assertFalse(algorithm.verify(verification, DATA, tampered, jdk), algorithm.name());
            assertFalse(
                    algorithm.verify(SignatureFixtures.OTHER_RSA.verification(), DATA, byConscrypt, conscrypt),
                    algorithm.name());
            assertFalse(
                    algorithm.verify(verification, DATA, new byte[3], conscrypt),
                    "a short signature is false, not an exception");
        }
        // PKCS#1 v1.5 is deterministic: both must produce the same bytes. (PSS is salted, so it differs each time.)
        assertArrayEquals(
                SignatureAlgorithm.RSA_V1_5_SHA256.sign(signing, DATA, jdk),
                SignatureAlgorithm.RSA_V1_5_SHA256.sign(signing, DATA, conscrypt));
    }

    @Test
    void theCavageAppendixCSignatureIsByteIdenticalFromBothImplementations() {
        RsaSignatures conscrypt = conscrypt();
        SigningKey key = SigningKey.fromPem(SignatureFixtures.resource("cavage/test-private.pem"));
        VerificationKey publicKey = VerificationKey.fromPem(SignatureFixtures.resource("cavage/test-public.pem"));
        // draft-cavage-http-signatures-12 C.1: the Default Test, signing string "date: ...".
        byte[] signingString = "date: Sun, 05 Jan 2014 21:31:40 GMT".getBytes(StandardCharsets.UTF_8);
        String expected =
                "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8"
                        + "hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=";
        for (RsaSignatures rsa : List.of(conscrypt, RsaSignatures.jdk())) {
            byte[] signature = SignatureAlgorithm.RSA_V1_5_SHA256.sign(key, signingString, rsa);
            assertEquals(expected, Base64.getEncoder().encodeToString(signature), rsa.description());
            assertTrue(
                    SignatureAlgorithm.RSA_V1_5_SHA256.verify(publicKey, signingString, signature, rsa),
                    rsa.description());
        }
    }

    @Test
    void theJdkAloneSignsAndVerifiesBothPaddings() {
        // The fallback path: the algorithm code with the JDK's provider, as where Conscrypt cannot load.
        RsaSignatures jdk = RsaSignatures.jdk();
        SigningKey signing = SignatureFixtures.RSA.signing();
        VerificationKey verification = SignatureFixtures.RSA.verification();
        for (SignatureAlgorithm algorithm : RSA) {
            byte[] signature = algorithm.sign(signing, DATA, jdk);
            assertTrue(algorithm.verify(verification, DATA, signature, jdk), algorithm.name());
            assertFalse(
                    algorithm.verify(SignatureFixtures.OTHER_RSA.verification(), DATA, signature, jdk),
                    algorithm.name());
        }
    }

    @Test
    void theJdkAloneWorksWithTheJdksOwnKeyObjects() throws Exception {
        // What the records hold where the JDK is the active implementation: keys straight from its KeyFactory.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        // 2048 bits: rsa-pss-sha512 with its 64-byte salt needs a modulus of at least 130 bytes.
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RsaSignatures jdk = RsaSignatures.jdk();
        for (SignatureAlgorithm algorithm : RSA) {
            byte[] signature = jdk.sign(algorithm, (RSAPrivateKey) pair.getPrivate(), DATA);
            assertTrue(jdk.verify(algorithm, (RSAPublicKey) pair.getPublic(), DATA, signature), algorithm.name());
            assertFalse(
                    jdk.verify(
                            algorithm,
                            (RSAPublicKey) pair.getPublic(),
                            "other".getBytes(StandardCharsets.UTF_8),
                            signature),
                    algorithm.name());
        }
    }

    @Test
    void aKeyBoringSslRefusesStaysWithTheJdkAndStillWorks() throws Exception {
        conscrypt();
        // BoringSSL takes public exponents of at most 33 bits; the JDK takes this one, so we must too.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        generator.initialize(
                new RSAKeyGenParameterSpec(2048, BigInteger.ONE.shiftLeft(40).add(BigInteger.valueOf(15))));
        KeyPair pair = generator.generateKeyPair();
        var signing = new SigningKey.RsaSigningKey((RSAPrivateKey) pair.getPrivate());
        var verification = new VerificationKey.RsaKey((RSAPublicKey) pair.getPublic());
        assertSame(pair.getPublic(), verification.key(), "not converted");
        assertSame(pair.getPrivate(), signing.key(), "not converted");
        for (SignatureAlgorithm algorithm : RSA) {
            byte[] signature = algorithm.sign(signing, DATA);
            assertTrue(algorithm.verify(verification, DATA, signature), algorithm.name());
            assertTrue(algorithm.verify(verification, DATA, signature, RsaSignatures.jdk()), algorithm.name());
        }
    }

    @Test
    void aJdkKeyHandedToConscryptIsConvertedNotReused() throws Exception {
        RsaSignatures conscrypt = conscrypt();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        generator.initialize(1024);
        KeyPair pair = generator.generateKeyPair();
        RSAPublicKey adopted = conscrypt.publicKey((RSAPublicKey) pair.getPublic());
        assertNotSame(pair.getPublic(), adopted);
        assertEquals(((RSAPublicKey) pair.getPublic()).getModulus(), adopted.getModulus());
        assertInstanceOf(RSAPublicKey.class, RsaSignatures.jdk().publicKey(adopted));
        assertSame(
                pair.getPublic(),
                RsaSignatures.jdk().publicKey((RSAPublicKey) pair.getPublic()),
                "the JDK keeps its keys");
    }
}
