package app.kindred.federation.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** Key parsing, base58btc and Multikey, RFC 8941 fields and body digests. */
class KeysAndEncodingsTest {

    @Test
    void base58RoundTripsIncludingLeadingZeros() {
        assertEquals("", Base58Btc.encode(new byte[0]));
        assertEquals("11", Base58Btc.encode(new byte[] {0, 0}));
        // The Bitcoin wiki's example: "Hello World!" encodes to 2NEpo7TZRRrLZSi2U.
        assertEquals("2NEpo7TZRRrLZSi2U", Base58Btc.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)));
        byte[] bytes = HexFormat.of().parseHex("0000ff00ed01deadbeef");
        assertArrayEquals(bytes, Base58Btc.decode(Base58Btc.encode(bytes)));
        assertThrows(IllegalArgumentException.class, () -> Base58Btc.decode("0OIl"));
    }

    @Test
    void aKnownDidKeyMultikeyDecodesToItsEd25519Key() {
        // did:key test vector: z6MkiTBz... holds the Ed25519 key whose JWK x is
        // O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik.
        String multibase = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
        VerificationKey.Ed25519Key key =
                assertInstanceOf(VerificationKey.Ed25519Key.class, VerificationKey.fromMultibase(multibase));
        assertArrayEquals(
                Base64.getUrlDecoder().decode("O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"),
                key.key().getEncoded());
        assertEquals(multibase, key.toMultibase());
    }

    @Test
    void theRfcEd25519KeyHasTheSameMultikeyAsPemAndSignsLikeIt() {
        VerificationKey.Ed25519Key fromPem = assertInstanceOf(
                VerificationKey.Ed25519Key.class,
                VerificationKey.fromPem(SignatureFixtures.resource("rfc9421/test-key-ed25519.pub.pem")));
        assertEquals("z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG", fromPem.toMultibase());
        assertEquals(fromPem, VerificationKey.fromMultibase(fromPem.toMultibase()));

        SigningKey.Ed25519SigningKey privateKey = assertInstanceOf(
                SigningKey.Ed25519SigningKey.class,
                SigningKey.fromPem(SignatureFixtures.resource("rfc9421/test-key-ed25519.pem")));
        assertEquals(fromPem, privateKey.publicKey());
    }

    @Test
    void notEd25519MultikeysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromMultibase("u6MkiTBz"));
        assertThrows(
                IllegalArgumentException.class,
                () -> VerificationKey.fromMultibase("z" + Base58Btc.encode(new byte[34])));
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromMultibase("z0"));
    }

    @Test
    void pkcs1AndSpkiFormsOfAnRsaKeyParseToTheSameKey() throws Exception {
        RSAPublicKey original = ((VerificationKey.RsaKey) SignatureFixtures.RSA.verification()).key();
        String spki = pem("PUBLIC KEY", original.getEncoded());
        byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(original.getEncoded())
                .parsePublicKey()
                .getEncoded();
        String pkcs1Pem = pem("RSA PUBLIC KEY", pkcs1);

        assertEquals(original, ((VerificationKey.RsaKey) VerificationKey.fromPem(spki)).key());
        assertEquals(original, ((VerificationKey.RsaKey) VerificationKey.fromPem(pkcs1Pem)).key());

        RSAPublicKey rfcKey = ((VerificationKey.RsaKey)
                        VerificationKey.fromPem(SignatureFixtures.resource("rfc9421/test-key-rsa.pub.pem")))
                .key();
        assertEquals(2048, rfcKey.getModulus().bitLength());
        assertEquals(BigInteger.valueOf(65537), rfcKey.getPublicExponent());
    }

    @Test
    void ecP256AndPkcs8PrivateKeysParse() throws Exception {
        assertInstanceOf(
                VerificationKey.EcP256Key.class,
                VerificationKey.fromPem(SignatureFixtures.resource("rfc9421/test-key-ecc-p256.pub.pem")));
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        var pair = generator.generateKeyPair();
        SigningKey rsa = SigningKey.fromPem(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        byte[] data = "data".getBytes(StandardCharsets.UTF_8);
        byte[] signature = SignatureAlgorithm.RSA_V1_5_SHA256.sign(rsa, data);
        assertTrue(SignatureAlgorithm.RSA_V1_5_SHA256.verify(
                new VerificationKey.RsaKey((RSAPublicKey) pair.getPublic()), data, signature));
    }

    @Test
    void badKeyTextIsAnIllegalArgumentAndPrivateKeysNeverPrintTheirMaterial() {
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromPem("hello"));
        assertThrows(
                IllegalArgumentException.class,
                () -> VerificationKey.fromPem("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----"));
        assertThrows(
                IllegalArgumentException.class,
                () -> VerificationKey.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        SigningKey key = SigningKey.fromPem(SignatureFixtures.resource("cavage/test-private.pem"));
        assertEquals("RsaSigningKey[1024 bits]", key.toString());
        assertFalse(SignatureFixtures.ED25519.signing().toString().matches(".*[0-9a-f]{16}.*"));
    }

    @Test
    void ecdsaSignaturesAreRawAndRoundTrip() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        SigningKey signing = new SigningKey.EcP256SigningKey((java.security.interfaces.ECPrivateKey) pair.getPrivate());
        VerificationKey verification =
                VerificationKey.fromPem(pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        byte[] data = "base".getBytes(StandardCharsets.UTF_8);
        byte[] raw = SignatureAlgorithm.ECDSA_P256_SHA256.sign(signing, data);
        assertEquals(64, raw.length);
        assertTrue(SignatureAlgorithm.ECDSA_P256_SHA256.verify(verification, data, raw));
        assertTrue(SignatureAlgorithm.ECDSA_P256_SHA256.verify(verification, data, SignatureAlgorithm.rawToDer(raw)));
        assertFalse(SignatureAlgorithm.ED25519.verify(verification, data, raw));
    }

    @Test
    void structuredFieldsParseEveryItemTypeAndSerialiseCanonically() {
        Map<String, StructuredFields.Member> dictionary = StructuredFields.parseDictionary(
                "a=1, b=-2.50, c=\"q\\\"s\", d=tok/en:x, e=:AQID:, f=?0, g, h=(\"x\" y);p=1;q, i=2;flag");
        assertEquals(new StructuredFields.SfInteger(1), ((StructuredFields.Item) dictionary.get("a")).value());
        assertEquals(new StructuredFields.SfString("q\"s"), ((StructuredFields.Item) dictionary.get("c")).value());
        assertEquals(new StructuredFields.SfToken("tok/en:x"), ((StructuredFields.Item) dictionary.get("d")).value());
        assertArrayEquals(
                new byte[] {1, 2, 3},
                ((StructuredFields.SfBytes) ((StructuredFields.Item) dictionary.get("e")).value()).value());
        assertEquals(new StructuredFields.SfBoolean(true), ((StructuredFields.Item) dictionary.get("g")).value());
        assertEquals(
                "a=1, b=-2.5, c=\"q\\\"s\", d=tok/en:x, e=:AQID:, f=?0, g, h=(\"x\" y);p=1;q, i=2;flag",
                StructuredFields.serializeDictionary(dictionary));

        for (String bad :
                List.of("a=1,", "a=(1", "a=\"open", "a=1.2345", "a=1234567890123456", "A=1", "a=?2", "a=1 b=2")) {
            assertThrows(
                    StructuredFields.MalformedFieldException.class, () -> StructuredFields.parseDictionary(bad), bad);
        }
    }

    @Test
    void digestHeadersAcceptTheirCommonSpellingsAndPreferSha512() {
        byte[] body = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", BodyDigest.digestHeader(body));
        assertEquals(
                BodyDigest.Check.MATCHES,
                BodyDigest.checkDigest("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body));
        assertEquals(
                BodyDigest.Check.MATCHES,
                BodyDigest.checkDigest(
                        "MD5=Sd/dVLAcvNLSq16eXua5uQ==, SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body));
        assertEquals(
                BodyDigest.Check.MISMATCH,
                BodyDigest.checkDigest(
                        "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=, SHA-512="
                                + Base64.getEncoder().encodeToString(new byte[64]),
                        body));
        assertEquals(
                BodyDigest.Check.NO_SUPPORTED_ALGORITHM, BodyDigest.checkDigest("MD5=Sd/dVLAcvNLSq16eXua5uQ==", body));
        assertEquals(
                BodyDigest.Check.MATCHES,
                BodyDigest.checkContentDigest(
                        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
                        body));
        assertEquals(
                BodyDigest.Check.MATCHES, BodyDigest.checkContentDigest(BodyDigest.contentDigestHeader(body), body));
        assertEquals(BodyDigest.Check.MALFORMED, BodyDigest.checkContentDigest("sha-256=X48E9q", body));
    }

    @Test
    void signingLeavesTheCallersHeadersAloneAndAddsWhatItSigned() {
        Map<String, List<String>> headers = new HashMap<>(Map.of("Content-Type", List.of("application/activity+json")));
        Map<String, String> added = new RequestSigner(SignatureFixtures.CLOCK)
                .sign(
                        "POST",
                        SignatureFixtures.INBOX,
                        headers,
                        SignatureFixtures.ACTIVITY,
                        SignatureFixtures.ED25519.keyId(),
                        SignatureFixtures.ED25519.signing(),
                        SignatureScheme.RFC9421);

        assertEquals(Map.of("Content-Type", List.of("application/activity+json")), headers);
        assertEquals(
                List.of("Host", "Date", "Digest", "Content-Digest", "Signature-Input", "Signature"),
                List.copyOf(added.keySet()));
        assertEquals("remote.example", added.get("Host"));
        assertEquals("Wed, 01 May 2024 12:00:00 GMT", added.get("Date"));
        assertEquals(
                "sig1=(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\");created=1714564800"
                        + ";keyid=\"" + SignatureFixtures.ED25519.keyId() + "\";alg=\"ed25519\"",
                added.get("Signature-Input"));
        assertThrows(UnsupportedOperationException.class, () -> added.put("X", "y"));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
