package app.kindred.federation.signature;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** Turns PEM and Multikey text into keys. Every failure surfaces as IllegalArgumentException. */
final class KeyDecoding {

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    /** RFC 8410's id-Ed25519; Bouncy Castle keeps its constant in an internal package. */
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private KeyDecoding() {}

    record PemBlock(String label, byte[] der) {}

    static PemBlock pemBlock(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("no PEM text");
        }
        Matcher matcher = PEM.matcher(pem);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no PEM block found");
        }
        String base64 = matcher.group(2).replaceAll("\\s+", "");
        try {
            return new PemBlock(matcher.group(1), Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM body is not base64", e);
        }
    }

    static VerificationKey publicKeyFromPem(String pem) {
        PemBlock block = pemBlock(pem);
        try {
            return switch (block.label()) {
                case "PUBLIC KEY" -> fromSubjectPublicKeyInfo(block.der());
                case "RSA PUBLIC KEY" ->
                    new VerificationKey.RsaKey(
                            rsaPublic(org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(block.der())));
                default -> throw new IllegalArgumentException("unsupported PEM block: " + block.label());
            };
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw e instanceof IllegalArgumentException iae
                    ? iae
                    : new IllegalArgumentException("cannot read public key: " + e.getMessage(), e);
        }
    }

    private static VerificationKey fromSubjectPublicKeyInfo(byte[] der) throws GeneralSecurityException, IOException {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(der);
        ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)
                || algorithm.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            return new VerificationKey.RsaKey(
                    rsaPublic(org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(spki.parsePublicKey())));
        }
        if (algorithm.equals(ID_ED25519)) {
            return new VerificationKey.Ed25519Key(
                    new Ed25519PublicKeyParameters(spki.getPublicKeyData().getOctets(), 0));
        }
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            if (!X9ObjectIdentifiers.prime256v1.equals(spki.getAlgorithm().getParameters())) {
                throw new IllegalArgumentException("only the P-256 curve is supported");
            }
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            return new VerificationKey.EcP256Key(key);
        }
        throw new IllegalArgumentException("unsupported public key algorithm " + algorithm);
    }

    private static RSAPublicKey rsaPublic(org.bouncycastle.asn1.pkcs.RSAPublicKey key) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    }

    static VerificationKey publicKeyFromMultibase(String multibase) {
        if (multibase == null || !multibase.startsWith("z")) {
            throw new IllegalArgumentException("not a base58btc multibase value");
        }
        byte[] decoded = Base58Btc.decode(multibase.substring(1));
        if (decoded.length != 34 || (decoded[0] & 0xff) != 0xed || decoded[1] != 0x01) {
            throw new IllegalArgumentException("not an Ed25519 Multikey (expected 0xed01 + 32 bytes)");
        }
        return new VerificationKey.Ed25519Key(new Ed25519PublicKeyParameters(Arrays.copyOfRange(decoded, 2, 34), 0));
    }

    static SigningKey privateKeyFromPem(String pem) {
        PemBlock block = pemBlock(pem);
        try {
            return switch (block.label()) {
                case "PRIVATE KEY" -> fromPrivateKeyInfo(block.der());
                case "RSA PRIVATE KEY" ->
                    new SigningKey.RsaSigningKey(
                            rsaPrivate(org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(block.der())));
                default -> throw new IllegalArgumentException("unsupported PEM block: " + block.label());
            };
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // Never include the key text in the message: it may end up in a log.
            throw e instanceof IllegalArgumentException iae
                    ? iae
                    : new IllegalArgumentException("cannot read private key", e);
        }
    }

    private static SigningKey fromPrivateKeyInfo(byte[] der) throws GeneralSecurityException, IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)
                || algorithm.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            return new SigningKey.RsaSigningKey(
                    rsaPrivate(org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(info.parsePrivateKey())));
        }
        if (algorithm.equals(ID_ED25519)) {
            byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            return new SigningKey.Ed25519SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
        }
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ECPrivateKey key =
                    (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            return new SigningKey.EcP256SigningKey(key);
        }
        throw new IllegalArgumentException("unsupported private key algorithm " + algorithm);
    }

    private static RSAPrivateKey rsaPrivate(org.bouncycastle.asn1.pkcs.RSAPrivateKey key)
            throws GeneralSecurityException {
        return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new RSAPrivateCrtKeySpec(
                        key.getModulus(),
                        key.getPublicExponent(),
                        key.getPrivateExponent(),
                        key.getPrime1(),
                        key.getPrime2(),
                        key.getExponent1(),
                        key.getExponent2(),
                        key.getCoefficient()));
    }
}
