package app.kindred.federation.harness;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A certificate authority made for one test run: its own EC key, a CA certificate valid for a day,
 * and server certificates it signs for host names. Built from Bouncy Castle's ASN.1 classes (bcprov,
 * already a dependency) and signed through JCA, so no other library is needed. Nothing outside the
 * test trusts it.
 */
public final class TestCa {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AlgorithmIdentifier ECDSA_SHA256 =
            new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    private static final char[] PASSWORD = "test-only".toCharArray();
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    private static final Duration A_DAY = Duration.ofDays(1);

    private final KeyPair keys;
    private final X500Name name;
    private final X509Certificate certificate;

    private TestCa(KeyPair keys, X500Name name, X509Certificate certificate) {
        this.keys = keys;
        this.name = name;
        this.certificate = certificate;
    }

    public static TestCa create() {
        var keys = ecKeys();
        var name = new X500Name("CN=Kindred test CA " + Instant.now());
        var now = Instant.now();
        return new TestCa(
                keys,
                name,
                sign(name, keys.getPrivate(), name, keys.getPublic(), null, now.minus(FIVE_MINUTES), now.plus(A_DAY)));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A TLS server context whose certificate, signed by this CA, names {@code host} (and only it). */
    public SSLContext serverContext(String host) {
        var now = Instant.now();
        return serverContext(host, now.minus(FIVE_MINUTES), now.plus(A_DAY));
    }

    /** A certificate this CA signed for {@code host} that expired yesterday. */
    public SSLContext expiredServerContext(String host) {
        var now = Instant.now();
        return serverContext(host, now.minus(A_DAY.multipliedBy(2)), now.minus(A_DAY));
    }

    private SSLContext serverContext(String host, Instant notBefore, Instant notAfter) {
        var serverKeys = ecKeys();
        var cert = sign(
                name, keys.getPrivate(), new X500Name("CN=" + host), serverKeys.getPublic(), host, notBefore, notAfter);
        return context(serverKeys.getPrivate(), new Certificate[] {cert, certificate}, host);
    }

    /** A certificate for {@code host} signed by its own key, as `openssl req -x509` makes one: no authority vouches. */
    public static SSLContext selfSignedServerContext(String host) {
        var serverKeys = ecKeys();
        var subject = new X500Name("CN=" + host);
        var now = Instant.now();
        var cert = sign(
                subject,
                serverKeys.getPrivate(),
                subject,
                serverKeys.getPublic(),
                host,
                now.minus(FIVE_MINUTES),
                now.plus(A_DAY));
        return context(serverKeys.getPrivate(), new Certificate[] {cert}, host);
    }

    /** A client context that trusts this CA alone (for the test's own https requests). */
    public SSLContext clientContext() {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("kindred-test-ca", certificate);
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), RANDOM);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a client context", e);
        }
    }

    private static SSLContext context(PrivateKey key, Certificate[] chain, String host) {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, PASSWORD, chain);
            var managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(store, PASSWORD);
            var context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, RANDOM);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a server context for " + host, e);
        }
    }

    /** Writes a PKCS12 trust store holding this CA alone; its password is {@link #trustStorePassword()}. */
    public Path writeTrustStore(Path file) {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("kindred-test-ca", certificate);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, PASSWORD);
            }
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not write the trust store", e);
        }
    }

    public static String trustStorePassword() {
        return new String(PASSWORD);
    }

    private static KeyPair ecKeys() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA certificate when {@code host} is null, else a server certificate for {@code host}. */
    private static X509Certificate sign(
            X500Name issuer,
            PrivateKey issuerKey,
            X500Name subject,
            PublicKey subjectKey,
            String host,
            Instant notBefore,
            Instant notAfter) {
        try {
            var tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(new BigInteger(64, RANDOM)));
            tbs.setIssuer(issuer);
            tbs.setSubject(subject);
            tbs.setStartDate(new Time(Date.from(notBefore)));
            tbs.setEndDate(new Time(Date.from(notAfter)));
            tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
            tbs.setSignature(ECDSA_SHA256);
            var extensions = new ExtensionsGenerator();
            if (host == null) {
                extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                extensions.addExtension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                extensions.addExtension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                extensions.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
            }
            tbs.setExtensions(extensions.generate());
            var body = tbs.generateTBSCertificate();
            var signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(issuerKey);
            signer.update(body.getEncoded(ASN1Encoding.DER));
            var whole = new ASN1EncodableVector();
            whole.add(body);
            whole.add(ECDSA_SHA256);
            whole.add(new DERBitString(signer.sign()));
            var der = new DERSequence(whole).getEncoded(ASN1Encoding.DER);
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not sign a test certificate", e);
        }
    }
}
