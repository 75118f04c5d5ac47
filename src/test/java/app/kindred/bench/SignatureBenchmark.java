package app.kindred.bench;

import app.kindred.federation.signature.HttpRequestParts;
import app.kindred.federation.signature.KeyResolver;
import app.kindred.federation.signature.RequestSigner;
import app.kindred.federation.signature.SignatureAlgorithm;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.SigningKey;
import app.kindred.federation.signature.VerificationKey;
import app.kindred.federation.signature.VerificationResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the HTTP signature library (issue #4): full verification of a signed ActivityPub POST with a cached
 * key, full signing, the raw primitives, and the JDK's own Ed25519 for comparison. A plain main, not a test: Surefire
 * ignores it (no Test suffix). Run it with docs/bench/signatures.sh, which also runs {@code openssl speed}.
 *
 * <p>Each case runs on N threads that loop until a deadline: one warm-up period, then several measured periods; the
 * median period's total ops/s is reported. Durations come from the system properties {@code bench.warmup},
 * {@code bench.measure} (seconds) and {@code bench.rounds}; {@code bench.filter} keeps only cases whose name contains
 * it. Pass openssl's single-core figures as {@code opensslRsaSign=.. opensslRsaVerify=.. opensslEdSign=..
 * opensslEdVerify=..} arguments to get the comparison.
 */
public final class SignatureBenchmark {

    private static final Instant NOW = Instant.parse("2025-01-15T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final URI INBOX = URI.create("https://kindred.example/users/alice/inbox");
    private static final String RSA_KEY_ID = "https://remote.example/users/bob#main-key";
    private static final String ED_KEY_ID = "https://remote.example/users/bob#ed25519-key";

    private static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmup", "3"));
    private static final double MEASURE = Double.parseDouble(System.getProperty("bench.measure", "5"));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final String FILTER = System.getProperty("bench.filter", "");

    /** Something every operation feeds, so the JIT cannot drop the work. */
    private static final AtomicLong SINK = new AtomicLong();

    @FunctionalInterface
    interface Op {
        /** Does one operation; returns a value derived from its result. */
        long run() throws Exception;
    }

    record Case(String group, String name, int threads, Op op) {}

    record Measured(Case benchCase, double median, double min, double max) {
        double perThread() {
            return median / benchCase.threads();
        }
    }

    private SignatureBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, Double> openssl = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0 && !arg.substring(eq + 1).isBlank()) {
                openssl.put(arg.substring(0, eq), Double.parseDouble(arg.substring(eq + 1)));
            }
        }

        // Keys go through the PEM parsers once, as a fetched actor's would; after that the resolver hands out the
        // parsed key.
        KeyPair rsaPair = generate("RSA", 2048);
        SigningKey rsaSigning =
                SigningKey.fromPem(pem("PRIVATE KEY", rsaPair.getPrivate().getEncoded()));
        VerificationKey rsaVerification =
                VerificationKey.fromPem(pem("PUBLIC KEY", rsaPair.getPublic().getEncoded()));
        KeyPair edPair = generate("Ed25519", 0);
        SigningKey edSigning =
                SigningKey.fromPem(pem("PRIVATE KEY", edPair.getPrivate().getEncoded()));
        VerificationKey edVerification =
                VerificationKey.fromPem(pem("PUBLIC KEY", edPair.getPublic().getEncoded()));
        Map<String, VerificationKey> cache = Map.of(RSA_KEY_ID, rsaVerification, ED_KEY_ID, edVerification);
        KeyResolver cachedResolver = keyId -> Optional.ofNullable(cache.get(keyId));

        byte[] body = createActivity();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/activity+json"));
        headers.put("Accept", List.of("application/activity+json"));
        headers.put("User-Agent", List.of("Mastodon/4.3.2 (http.rb/5.2.0; +https://remote.example/)"));
        headers.put("Content-Length", List.of(Integer.toString(body.length)));

        RequestSigner signer = new RequestSigner(CLOCK);
        SignatureVerifier verifier = new SignatureVerifier(CLOCK);

        record Variant(String label, SignatureScheme scheme, String keyId, SigningKey key) {}
        List<Variant> variants = List.of(
                new Variant("cavage rsa-sha256 (RSA-2048)", SignatureScheme.CAVAGE, RSA_KEY_ID, rsaSigning),
                new Variant("cavage hs2019 (Ed25519)", SignatureScheme.CAVAGE, ED_KEY_ID, edSigning),
                new Variant("RFC 9421 rsa-v1_5-sha256 (RSA-2048)", SignatureScheme.RFC9421, RSA_KEY_ID, rsaSigning),
                new Variant("RFC 9421 ed25519", SignatureScheme.RFC9421, ED_KEY_ID, edSigning));

        List<Case> cases = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            for (Variant v : variants) {
                Map<String, String> added = signer.sign("POST", INBOX, headers, body, v.keyId(), v.key(), v.scheme());
                HttpRequestParts signed = new HttpRequestParts("POST", INBOX, headers, body).withHeaders(added);
                VerificationResult check = verifier.verify(signed, cachedResolver);
                if (!check.isVerified()) {
                    throw new IllegalStateException(v.label() + " does not verify: " + check);
                }
                cases.add(new Case("verify", "verify " + v.label(), threads, () -> {
                    VerificationResult result = verifier.verify(signed, cachedResolver);
                    if (!result.isVerified()) {
                        throw new IllegalStateException("verification failed: " + result);
                    }
                    return 1;
                }));
            }
            for (Variant v : variants) {
                cases.add(new Case(
                        "sign",
                        "sign " + v.label(),
                        threads,
                        () -> signer.sign("POST", INBOX, headers, body, v.keyId(), v.key(), v.scheme())
                                .get("Signature")
                                .length()));
            }
        }

        // The primitives over a real signing string, so the difference to the full paths is the header and digest work.
        Map<String, String> rfcAdded =
                signer.sign("POST", INBOX, headers, body, RSA_KEY_ID, rsaSigning, SignatureScheme.RFC9421);
        byte[] data = (rfcAdded.get("Signature-Input") + "\n" + rfcAdded.get("Content-Digest"))
                .getBytes(StandardCharsets.UTF_8);
        byte[] rsaSignature = SignatureAlgorithm.RSA_V1_5_SHA256.sign(rsaSigning, data);
        byte[] edSignature = SignatureAlgorithm.ED25519.sign(edSigning, data);
        cases.add(new Case(
                "raw",
                "raw SignatureAlgorithm RSA-2048 verify",
                1,
                () -> SignatureAlgorithm.RSA_V1_5_SHA256.verify(rsaVerification, data, rsaSignature) ? 1 : fail()));
        cases.add(new Case(
                "raw",
                "raw SignatureAlgorithm RSA-2048 sign",
                1,
                () -> SignatureAlgorithm.RSA_V1_5_SHA256.sign(rsaSigning, data)[0]));
        cases.add(new Case(
                "raw",
                "raw SignatureAlgorithm Ed25519 (BC) verify",
                1,
                () -> SignatureAlgorithm.ED25519.verify(edVerification, data, edSignature) ? 1 : fail()));
        cases.add(new Case(
                "raw",
                "raw SignatureAlgorithm Ed25519 (BC) sign",
                1,
                () -> SignatureAlgorithm.ED25519.sign(edSigning, data)[0]));

        // RSA-2048 through each JCA provider directly: Conscrypt (BoringSSL; what the library uses where it loads) and
        // the JDK's SunRsaSign (the fallback, and what the library used before), with a Signature made per operation
        // (what the library does) and, for Conscrypt, one kept per thread in a ThreadLocal, to show which is faster.
        java.security.Provider sunRsa = java.security.Security.getProvider("SunRsaSign");
        PublicKey jdkRsaPublic = rsaPair.getPublic();
        PrivateKey jdkRsaPrivate = rsaPair.getPrivate();
        cases.add(new Case(
                "provider",
                "raw JDK SunRsaSign RSA-2048 verify",
                1,
                () -> rsaVerify(sunRsa, jdkRsaPublic, data, rsaSignature)));
        cases.add(new Case(
                "provider", "raw JDK SunRsaSign RSA-2048 sign", 1, () -> rsaSign(sunRsa, jdkRsaPrivate, data)[0]));
        if (org.conscrypt.Conscrypt.isAvailable()) {
            java.security.Provider conscrypt = org.conscrypt.Conscrypt.newProvider();
            java.security.KeyFactory factory = java.security.KeyFactory.getInstance("RSA", conscrypt);
            PublicKey conscryptPublic = (PublicKey) factory.translateKey(jdkRsaPublic);
            PrivateKey conscryptPrivate = (PrivateKey) factory.translateKey(jdkRsaPrivate);
            if (!Arrays.equals(rsaSign(conscrypt, conscryptPrivate, data), rsaSign(sunRsa, jdkRsaPrivate, data))) {
                throw new IllegalStateException("Conscrypt and the JDK disagree on an RSA PKCS#1 v1.5 signature");
            }
            ThreadLocal<Signature> perThread = ThreadLocal.withInitial(() -> {
                try {
                    return Signature.getInstance("SHA256withRSA", conscrypt);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
            cases.add(new Case(
                    "provider",
                    "raw Conscrypt RSA-2048 verify (Signature per call)",
                    1,
                    () -> rsaVerify(conscrypt, conscryptPublic, data, rsaSignature)));
            cases.add(new Case("provider", "raw Conscrypt RSA-2048 verify (ThreadLocal Signature)", 1, () -> {
                Signature s = perThread.get();
                s.initVerify(conscryptPublic);
                s.update(data);
                return s.verify(rsaSignature) ? 1 : fail();
            }));
            cases.add(new Case(
                    "provider",
                    "raw Conscrypt RSA-2048 sign (Signature per call)",
                    1,
                    () -> rsaSign(conscrypt, conscryptPrivate, data)[0]));
            cases.add(new Case("provider", "raw Conscrypt RSA-2048 sign (ThreadLocal Signature)", 1, () -> {
                Signature s = perThread.get();
                s.initSign(conscryptPrivate);
                s.update(data);
                return s.sign()[0];
            }));
        }

        // The JDK's own Ed25519 (SunEC), used the way the library uses JCA for RSA: a Signature per operation.
        PublicKey jdkEdPublic = edPair.getPublic();
        PrivateKey jdkEdPrivate = edPair.getPrivate();
        byte[] jdkEdSignature = jdkSign(jdkEdPrivate, data);
        if (!Arrays.equals(jdkEdSignature, edSignature)) {
            throw new IllegalStateException("JDK and Bouncy Castle Ed25519 disagree");
        }
        cases.add(new Case(
                "jdk",
                "JDK Ed25519 (" + Signature.getInstance("Ed25519").getProvider().getName() + ") verify",
                1,
                () -> {
                    Signature s = Signature.getInstance("Ed25519");
                    s.initVerify(jdkEdPublic);
                    s.update(data);
                    return s.verify(jdkEdSignature) ? 1 : fail();
                }));
        cases.add(new Case(
                "jdk",
                "JDK Ed25519 (" + Signature.getInstance("Ed25519").getProvider().getName() + ") sign",
                1,
                () -> jdkSign(jdkEdPrivate, data)[0]));

        cases.removeIf(c -> !c.name().contains(FILTER));

        System.out.printf(
                Locale.ROOT,
                "JVM: %s %s (%s), %d available processors; warm-up %.0f s, %d x %.0f s measured, median reported%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().availableProcessors(),
                WARMUP,
                ROUNDS,
                MEASURE);
        System.out.printf(
                Locale.ROOT,
                "Body: %d bytes of Create JSON; %s; RSA in the library: %s%n%n",
                body.length,
                new org.bouncycastle.jce.provider.BouncyCastleProvider().getInfo(),
                SignatureAlgorithm.rsaImplementation());

        List<Measured> results = new ArrayList<>();
        for (Case c : cases) {
            Measured m = measure(c);
            results.add(m);
            System.out.printf(
                    Locale.ROOT,
                    "  measured %-55s %d thr  %10.0f ops/s (min %.0f, max %.0f)%n",
                    c.name(),
                    c.threads(),
                    m.median(),
                    m.min(),
                    m.max());
        }
        System.out.println();
        printTable(results, openssl);
        if (SINK.get() == 42) {
            System.out.println();
        }
    }

    private static long fail() {
        throw new IllegalStateException("a signature did not verify");
    }

    private static long rsaVerify(java.security.Provider provider, PublicKey key, byte[] data, byte[] signature)
            throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA", provider);
        s.initVerify(key);
        s.update(data);
        return s.verify(signature) ? 1 : fail();
    }

    private static byte[] rsaSign(java.security.Provider provider, PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA", provider);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    private static byte[] jdkSign(PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    private static Measured measure(Case c) throws Exception {
        run(c, WARMUP);
        double[] rates = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            rates[i] = run(c, MEASURE);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return new Measured(c, sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }

    /** Runs the case on its threads for the given seconds; returns the total operations per second. */
    private static double run(Case c, double seconds) throws Exception {
        int threads = c.threads();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        long[] counts = new long[threads];
        long[] elapsed = new long[threads];
        Throwable[] failure = new Throwable[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = new Thread(
                    () -> {
                        try {
                            start.await();
                            long begin = System.nanoTime();
                            long deadline = begin + (long) (seconds * 1e9);
                            long n = 0;
                            long sink = 0;
                            long now;
                            do {
                                for (int i = 0; i < 16; i++) {
                                    sink += c.op().run();
                                }
                                n += 16;
                                now = System.nanoTime();
                            } while (now < deadline);
                            counts[index] = n;
                            elapsed[index] = now - begin;
                            SINK.addAndGet(sink);
                        } catch (Throwable e) {
                            synchronized (failure) {
                                failure[0] = e;
                            }
                        }
                    },
                    "bench-" + t);
            worker.start();
            workers.add(worker);
        }
        start.await();
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException(c.name() + " failed", failure[0]);
        }
        double total = 0;
        for (int t = 0; t < threads; t++) {
            total += counts[t] / (elapsed[t] / 1e9);
        }
        return total;
    }

    private static void printTable(List<Measured> results, Map<String, Double> openssl) {
        System.out.println("| Operation | Threads | ops/s (median) | ops/s per thread | min-max of rounds |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Measured m : results) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %,.0f | %,.0f-%,.0f |%n",
                    m.benchCase().name(),
                    m.benchCase().threads(),
                    m.median(),
                    m.perThread(),
                    m.min(),
                    m.max());
        }
        openssl.forEach((name, value) -> System.out.printf(
                Locale.ROOT,
                "| openssl speed %s | 1 | %,.0f | %,.0f | |%n",
                name.replace("openssl", ""),
                value,
                value));
        Double rsaVerify = openssl.get("opensslRsaVerify");
        if (rsaVerify == null) {
            return;
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Target: RSA verify per core >= half of openssl's single-core verify/s (%,.0f / 2 = %,.0f)%n",
                rsaVerify,
                rsaVerify / 2);
        for (Measured m : results) {
            if (m.benchCase().name().contains("RSA") && m.benchCase().name().contains("verify")) {
                double ratio = m.perThread() / rsaVerify;
                System.out.printf(
                        Locale.ROOT,
                        "  %-55s %d thr: %,.0f/s per thread = %.2f x openssl -> %s%n",
                        m.benchCase().name(),
                        m.benchCase().threads(),
                        m.perThread(),
                        ratio,
                        ratio >= 0.5 ? "MET" : "MISSED");
            }
        }
        Double edVerify = openssl.get("opensslEdVerify");
        if (edVerify != null) {
            for (Measured m : results) {
                if (m.benchCase().name().contains("Ed25519")
                        && m.benchCase().name().contains("verify")
                        && m.benchCase().threads() == 1) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %-55s 1 thr: %.2f x openssl Ed25519 verify/s%n",
                            m.benchCase().name(),
                            m.median() / edVerify);
                }
            }
        }
    }

    private static KeyPair generate(String algorithm, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            generator.initialize(bits);
        }
        return generator.generateKeyPair();
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /** A Create{Note} of about 2 KB, shaped like what Mastodon delivers. */
    static byte[] createActivity() {
        String content =
                "<p>Benchmarks are only as honest as their setup. This note is long enough to look like a real post, "
                        + "with a mention of <span class=\"h-card\"><a href=\"https://kindred.example/users/alice\" class=\"u-url mention\">"
                        + "@<span>alice</span></a></span> and a <a href=\"https://remote.example/tags/fediverse\" class=\"mention hashtag\" "
                        + "rel=\"tag\">#<span>fediverse</span></a> tag, so the JSON is about the size of a typical delivery.</p>";
        String json = """
                {"@context":["https://www.w3.org/ns/activitystreams",{"ostatus":"http://ostatus.org#","atomUri":"ostatus:atomUri",\
                "inReplyToAtomUri":"ostatus:inReplyToAtomUri","conversation":"ostatus:conversation","sensitive":"as:sensitive",\
                "toot":"http://joinmastodon.org/ns#","votersCount":"toot:votersCount","Hashtag":"as:Hashtag"}],\
                "id":"https://remote.example/users/bob/statuses/113795820374620841/activity","type":"Create",\
                "actor":"https://remote.example/users/bob","published":"2025-01-15T09:59:58Z",\
                "to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://remote.example/users/bob/followers",\
                "https://kindred.example/users/alice"],"object":{"id":"https://remote.example/users/bob/statuses/113795820374620841",\
                "type":"Note","summary":null,"inReplyTo":null,"published":"2025-01-15T09:59:58Z",\
                "url":"https://remote.example/@bob/113795820374620841","attributedTo":"https://remote.example/users/bob",\
                "to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://remote.example/users/bob/followers",\
                "https://kindred.example/users/alice"],"sensitive":false,\
                "atomUri":"https://remote.example/users/bob/statuses/113795820374620841",\
                "conversation":"tag:remote.example,2025-01-15:objectId=48213377:objectType=Conversation",\
                "content":%s,"contentMap":{"en":%s},"attachment":[],"tag":[{"type":"Mention",\
                "href":"https://kindred.example/users/alice","name":"@alice@kindred.example"},{"type":"Hashtag",\
                "href":"https://remote.example/tags/fediverse","name":"#fediverse"}],"replies":{"id":\
                "https://remote.example/users/bob/statuses/113795820374620841/replies","type":"Collection","first":{\
                "type":"CollectionPage","next":"https://remote.example/users/bob/statuses/113795820374620841/replies?only_other_accounts=true&page=true",\
                "partOf":"https://remote.example/users/bob/statuses/113795820374620841/replies","items":[]}}}}""".formatted(quote(content), quote(content));
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
