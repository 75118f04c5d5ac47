package app.kindred.remote;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.temporaryRedirect;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.federation.signature.HttpRequestParts;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.VerificationKey;
import app.kindred.federation.signature.VerificationResult;
import app.kindred.remote.FetchException.Reason;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fetcher against a WireMock stand-in for a remote server. WireMock listens on loopback, so most
 * tests allow private addresses; the production-mode tests do not.
 */
class RemoteFetcherTest {
    private static final String AP = "application/activity+json";

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    /** A second origin (another port) for redirects that leave the first one. */
    @RegisterExtension
    static WireMockExtension other = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final List<RemoteFetcher> fetchers = new ArrayList<>();

    @AfterEach
    void closeFetchers() {
        fetchers.forEach(RemoteFetcher::close);
    }

    private RemoteFetcher fetcher(RemoteFetcher.Limits limits) {
        var f = new RemoteFetcher(new AddressPolicy(true), true, limits, "Kindred-test");
        fetchers.add(f);
        return f;
    }

    private RemoteFetcher fetcher() {
        return fetcher(RemoteFetcher.Limits.defaults());
    }

    /** Production rules, except that WireMock's own socket stands in for a public server. */
    private RemoteFetcher productionFetcherExceptWireMock() {
        var wireMock = new InetSocketAddress("127.0.0.1", remote.getPort());
        var production = new AddressPolicy(false);
        var f = new RemoteFetcher(
                a -> a.equals(wireMock) || production.allows(a.getAddress()),
                true,
                RemoteFetcher.Limits.defaults(),
                "Kindred-test");
        fetchers.add(f);
        return f;
    }

    private static String base(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    private static URI at(WireMockExtension server, String path) {
        return URI.create(base(server) + path);
    }

    private static String actorJson(String id) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Person",
                 "preferredUsername": "alice", "inbox": "%s/inbox"}""".formatted(id, id);
    }

    private static FetchException fails(Reason reason, FetchCall call) {
        var e = assertThrows(FetchException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @FunctionalInterface
    private interface FetchCall {
        void run() throws Exception;
    }

    private int requestsReceived(WireMockExtension server) {
        return server.findAll(anyRequestedFor(anyUrl())).size();
    }

    // ---- documents and origins ----

    @ParameterizedTest
    @ValueSource(
            strings = {
                AP,
                "application/activity+json; charset=utf-8",
                "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
            })
    void fetchesAnActorDocument(String contentType) throws Exception {
        var id = base(remote) + "/users/alice";
        remote.stubFor(get("/users/alice").willReturn(okForContentType(contentType, actorJson(id))));

        var node = fetcher().getActivityJson(URI.create(id));

        assertEquals(id, node.get("id").asText());
        assertEquals("alice", node.get("preferredUsername").asText());
        remote.verify(getRequestedFor(urlEqualTo("/users/alice"))
                .withHeader("Accept", equalTo(RemoteFetcher.ACTIVITY_ACCEPT))
                .withHeader("User-Agent", equalTo("Kindred-test")));
    }

    @Test
    void aDocumentClaimingAnIdOnAnotherOriginIsRefused() {
        remote.stubFor(
                get("/users/alice").willReturn(okForContentType(AP, actorJson("https://victim.example/users/alice"))));

        fails(Reason.ORIGIN_MISMATCH, () -> fetcher().getActivityJson(at(remote, "/users/alice")));
    }

    @Test
    void anIdOnTheSameHostButAnotherPortIsAnotherOrigin() {
        remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(base(other) + "/users/alice"))));

        fails(Reason.ORIGIN_MISMATCH, () -> fetcher().getActivityJson(at(remote, "/users/alice")));
    }

    @Test
    void aDocumentWithoutAnAbsoluteIdIsMalformed() {
        remote.stubFor(get("/none").willReturn(okForContentType(AP, "{\"type\": \"Person\"}")));
        remote.stubFor(
                get("/relative").willReturn(okForContentType(AP, "{\"id\": \"/users/alice\", \"type\": \"Person\"}")));

        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/none")));
        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/relative")));
    }

    @Test
    void aRedirectToTheCanonicalUrlIsFollowedAndTheIdCheckedAgainstIt() throws Exception {
        var canonical = base(remote) + "/users/alice";
        remote.stubFor(get("/@alice").willReturn(temporaryRedirect("/users/alice")));
        remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(canonical))));

        assertEquals(
                canonical,
                fetcher().getActivityJson(at(remote, "/@alice")).get("id").asText());
        assertEquals(canonical, fetcher().get(at(remote, "/@alice"), AP).uri().toString());
    }

    @Test
    void theIdIsCheckedAgainstTheUrlTheDocumentFinallyCameFrom() {
        // The first server redirects to a second, which claims to speak for the first.
        remote.stubFor(get("/users/alice").willReturn(temporaryRedirect(base(other) + "/mallory")));
        other.stubFor(get("/mallory").willReturn(okForContentType(AP, actorJson(base(remote) + "/users/alice"))));

        fails(Reason.ORIGIN_MISMATCH, () -> fetcher().getActivityJson(at(remote, "/users/alice")));
    }

    @Test
    void threeRedirectsAreFollowedWithTheAcceptHeaderKept() throws Exception {
        var id = base(remote) + "/r3";
        remote.stubFor(get("/r0").willReturn(temporaryRedirect("/r1")));
        remote.stubFor(get("/r1").willReturn(aResponse().withStatus(301).withHeader("Location", base(remote) + "/r2")));
        remote.stubFor(get("/r2").willReturn(aResponse().withStatus(308).withHeader("Location", "r3")));
        remote.stubFor(get("/r3").willReturn(okForContentType(AP, actorJson(id))));

        assertEquals(id, fetcher().getActivityJson(at(remote, "/r0")).get("id").asText());
        for (var path : List.of("/r0", "/r1", "/r2", "/r3")) {
            remote.verify(
                    getRequestedFor(urlEqualTo(path)).withHeader("Accept", equalTo(RemoteFetcher.ACTIVITY_ACCEPT)));
        }
    }

    @Test
    void aFourthRedirectIsRefused() {
        for (int i = 0; i < 4; i++) remote.stubFor(get("/r" + i).willReturn(temporaryRedirect("/r" + (i + 1))));
        remote.stubFor(get("/r4").willReturn(okForContentType(AP, actorJson(base(remote) + "/r4"))));

        var e = fails(Reason.TOO_MANY_REDIRECTS, () -> fetcher().getActivityJson(at(remote, "/r0")));
        assertEquals(302, e.status());
        remote.verify(0, getRequestedFor(urlEqualTo("/r4")));
    }

    @Test
    void aRedirectWithAnUnusableLocationIsMalformed() {
        remote.stubFor(
                get("/bad").willReturn(aResponse().withStatus(302).withHeader("Location", "http://exa mple.org/ x")));

        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/bad")));
    }

    // ---- addresses (production mode) ----

    @Test
    void inProductionALoopbackServerIsNeverContacted() {
        var production =
                new RemoteFetcher(new AddressPolicy(false), true, RemoteFetcher.Limits.defaults(), "Kindred-test");
        fetchers.add(production);
        remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(base(remote) + "/users/alice"))));

        fails(Reason.REFUSED_ADDRESS, () -> production.getActivityJson(at(remote, "/users/alice")));
        // A name is resolved and checked too, not only address literals.
        fails(
                Reason.REFUSED_ADDRESS,
                () -> production.getActivityJson(URI.create("http://localhost:" + remote.getPort() + "/users/alice")));
        assertEquals(0, requestsReceived(remote));
    }

    @Test
    void aListedPrivateHostIsReachedAndNoOtherPrivateAddressIs() throws Exception {
        var listed = new RemoteFetcher(
                new AddressPolicy(false, List.of("localhost")), true, RemoteFetcher.Limits.defaults(), "Kindred-test");
        fetchers.add(listed);
        var id = "http://localhost:" + remote.getPort() + "/users/alice";
        remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(id))));

        assertEquals(id, listed.getActivityJson(URI.create(id)).get("id").asText());
        // The same server by its address, not by the listed name, is still refused before connecting.
        fails(Reason.REFUSED_ADDRESS, () -> listed.getActivityJson(at(remote, "/users/alice")));
        // A redirect from the listed name to a private address it does not name is refused too.
        remote.stubFor(get("/users/bob").willReturn(temporaryRedirect("http://169.254.169.254/latest/meta-data")));
        fails(
                Reason.REFUSED_ADDRESS,
                () -> listed.getActivityJson(URI.create("http://localhost:" + remote.getPort() + "/users/bob")));
        assertEquals(2, requestsReceived(remote));
    }

    @Test
    void aRedirectToCloudMetadataIsRefused() {
        remote.stubFor(get("/users/alice").willReturn(temporaryRedirect("http://169.254.169.254/latest/meta-data")));

        fails(
                Reason.REFUSED_ADDRESS,
                () -> productionFetcherExceptWireMock().getActivityJson(at(remote, "/users/alice")));
    }

    @Test
    void aRedirectToALoopbackServiceIsRefusedBeforeConnecting() {
        remote.stubFor(get("/users/alice").willReturn(temporaryRedirect(base(other) + "/admin")));
        remote.stubFor(
                get("/ipv6").willReturn(temporaryRedirect("http://[::ffff:127.0.0.1]:" + other.getPort() + "/admin")));

        var fetcher = productionFetcherExceptWireMock();
        fails(Reason.REFUSED_ADDRESS, () -> fetcher.getActivityJson(at(remote, "/users/alice")));
        fails(Reason.REFUSED_ADDRESS, () -> fetcher.getActivityJson(at(remote, "/ipv6")));
        assertEquals(0, requestsReceived(other));
    }

    // ---- schemes ----

    @Test
    void withoutHttpAllowedAnHttpUrlIsRefusedWithoutARequest() {
        var httpsOnly =
                new RemoteFetcher(new AddressPolicy(true), false, RemoteFetcher.Limits.defaults(), "Kindred-test");
        fetchers.add(httpsOnly);
        remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(base(remote) + "/users/alice"))));

        fails(Reason.REFUSED_SCHEME, () -> httpsOnly.getActivityJson(at(remote, "/users/alice")));
        fails(Reason.REFUSED_SCHEME, () -> httpsOnly.getJson(at(remote, "/.well-known/nodeinfo"), "application/json"));
        assertEquals(0, requestsReceived(remote));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "ftp://example.org/actor.json",
                "jar:file:///tmp/x.jar!/actor.json",
                "gopher://example.org/",
                "/users/alice"
            })
    void otherSchemesAreRefused(String url) {
        fails(Reason.REFUSED_SCHEME, () -> fetcher().getActivityJson(URI.create(url)));
    }

    @Test
    void aRedirectToAFileUrlIsRefused() {
        remote.stubFor(get("/users/alice").willReturn(temporaryRedirect("file:///etc/passwd")));

        fails(Reason.REFUSED_SCHEME, () -> fetcher().getActivityJson(at(remote, "/users/alice")));
    }

    // ---- limits ----

    private static RemoteFetcher.Limits shortTimeout() {
        return new RemoteFetcher.Limits(Duration.ofSeconds(1), Duration.ofMillis(500), 1 << 20, 3);
    }

    /**
     * The fetch ended at its own timeout (1 s), long before the server would have answered (10 s). The
     * bound leaves room for a busy 2-core machine that runs the timeout's scheduler late; what it rules
     * out is waiting for the server.
     */
    private static void assertBounded(long startNanos) {
        var took = Duration.ofNanos(System.nanoTime() - startNanos);
        assertTrue(took.compareTo(Duration.ofMillis(4000)) < 0, "took " + took);
    }

    @Test
    void aServerThatAnswersLateTimesOut() {
        remote.stubFor(get("/slow")
                .willReturn(
                        okForContentType(AP, actorJson(base(remote) + "/slow")).withFixedDelay(10_000)));

        var fetcher = fetcher(shortTimeout()); // its HTTP client starts outside the measured time
        long start = System.nanoTime();
        fails(Reason.TIMEOUT, () -> fetcher.getActivityJson(at(remote, "/slow")));
        assertBounded(start);
    }

    @Test
    void aServerThatDribblesItsBodyTimesOut() {
        remote.stubFor(get("/dribble")
                .willReturn(okForContentType(AP, actorJson(base(remote) + "/dribble"))
                        .withChunkedDribbleDelay(20, 10_000)));

        var fetcher = fetcher(shortTimeout());
        long start = System.nanoTime();
        fails(Reason.TIMEOUT, () -> fetcher.getActivityJson(at(remote, "/dribble")));
        assertBounded(start);
    }

    @Test
    void theTimeoutBoundsTheWholeFetchNotEachRedirect() {
        // Each hop answers within the timeout; together they do not.
        for (int i = 0; i < 3; i++) {
            remote.stubFor(
                    get("/r" + i).willReturn(temporaryRedirect("/r" + (i + 1)).withFixedDelay(300)));
        }
        remote.stubFor(get("/r3")
                .willReturn(
                        okForContentType(AP, actorJson(base(remote) + "/r3")).withFixedDelay(300)));

        var fetcher = fetcher(shortTimeout());
        long start = System.nanoTime();
        fails(Reason.TIMEOUT, () -> fetcher.getActivityJson(at(remote, "/r0")));
        assertBounded(start);
    }

    private static RemoteFetcher.Limits smallCap() {
        return new RemoteFetcher.Limits(Duration.ofSeconds(2), Duration.ofSeconds(5), 1024, 3);
    }

    private static String bigActor(String id) {
        return actorJson(id).replace("\"type\"", "\"summary\": \"" + "x".repeat(4000) + "\", \"type\"");
    }

    @Test
    void aBodyLargerThanTheCapIsRefused() {
        remote.stubFor(get("/big").willReturn(okForContentType(AP, bigActor(base(remote) + "/big"))));

        fails(Reason.TOO_LARGE, () -> fetcher(smallCap()).getActivityJson(at(remote, "/big")));
    }

    @Test
    void aChunkedBodyWithoutContentLengthIsCappedToo() throws Exception {
        remote.stubFor(get("/chunked")
                .willReturn(okForContentType(AP, bigActor(base(remote) + "/chunked"))
                        .withChunkedDribbleDelay(8, 50)));
        // The premise: the server really sends no Content-Length.
        var plain = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(at(remote, "/chunked")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(Optional.empty(), plain.headers().firstValue("Content-Length"));

        fails(Reason.TOO_LARGE, () -> fetcher(smallCap()).getActivityJson(at(remote, "/chunked")));
    }

    @Test
    void aCompressedBodyIsCappedByItsDecompressedSize() throws Exception {
        var body = bigActor(base(remote) + "/gzip").getBytes(StandardCharsets.UTF_8);
        var gzipped = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gzipped)) {
            out.write(body);
        }
        assertTrue(gzipped.size() < 1024, "the compressed body must fit the cap for this test to mean anything");
        remote.stubFor(get("/gzip")
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", AP)
                        .withHeader("Content-Encoding", "gzip")
                        .withBody(gzipped.toByteArray())));

        fails(Reason.TOO_LARGE, () -> fetcher(smallCap()).getActivityJson(at(remote, "/gzip")));
    }

    @Test
    void aBodyWithinTheCapIsReturnedWhole() throws Exception {
        var body = actorJson(base(remote) + "/small");
        remote.stubFor(get("/small").willReturn(okForContentType(AP, body).withChunkedDribbleDelay(4, 20)));

        var fetched = fetcher(smallCap()).get(at(remote, "/small"), AP);
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), fetched.body());
    }

    // ---- content and status ----

    @Test
    void htmlIsNotAnActivityPubDocument() {
        remote.stubFor(
                get("/users/alice").willReturn(okForContentType("text/html; charset=utf-8", "<html>alice</html>")));
        remote.stubFor(get("/untyped").willReturn(aResponse().withStatus(200).withBody("{}")));

        fails(Reason.NOT_JSON, () -> fetcher().getActivityJson(at(remote, "/users/alice")));
        fails(Reason.NOT_JSON, () -> fetcher().getActivityJson(at(remote, "/untyped")));
    }

    @Test
    void malformedJsonAndNonObjectsAreMalformed() {
        remote.stubFor(get("/broken").willReturn(okForContentType(AP, "{\"id\": \"http://")));
        remote.stubFor(get("/array").willReturn(okForContentType(AP, "[{\"id\": \"x\"}]")));
        remote.stubFor(get("/empty").willReturn(okForContentType(AP, "")));
        remote.stubFor(get("/trailing")
                .willReturn(okForContentType(AP, actorJson(base(remote) + "/trailing") + " garbage")));

        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/broken")));
        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/array")));
        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/empty")));
        fails(Reason.MALFORMED, () -> fetcher().getJson(at(remote, "/array"), "application/json"));
        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/trailing")));
    }

    @Test
    void aDocumentNestedTenThousandDeepIsRefusedWithItsReason() {
        // Inside the size cap (20 KB), far past the depth any real document has: a parser without the
        // inbox's limit would recurse through it, and a reader of the tree would overflow its stack.
        var deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        var id = base(remote) + "/users/deep";
        remote.stubFor(get("/users/deep").willReturn(okForContentType(AP, """
                {"id": "%s", "type": "Person", "inbox": "%s/inbox", "attachment": %s}""".formatted(id, id, deep))));

        var e = fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/users/deep")));
        assertTrue(
                e.getMessage().contains("beyond our limits") && e.getMessage().contains("nesting depth"),
                e.getMessage());
    }

    @Test
    void aStringLongerThanTheWireLimitIsRefusedWithItsReason() {
        var id = base(remote) + "/users/long";
        var name = "a".repeat(app.kindred.activitypub.ActivityPubJson.MAX_STRING_LENGTH + 1);
        remote.stubFor(get("/users/long").willReturn(okForContentType(AP, """
                {"id": "%s", "type": "Person", "inbox": "%s/inbox", "name": "%s"}""".formatted(id, id, name))));

        var e = fails(
                Reason.MALFORMED,
                () -> fetcher(new RemoteFetcher.Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 4 << 20, 3))
                        .getActivityJson(at(remote, "/users/long")));
        assertTrue(
                e.getMessage().contains("beyond our limits") && e.getMessage().contains("String value length"),
                e.getMessage());
    }

    @Test
    void aDocumentWithADuplicateKeyIsMalformed() {
        var id = base(remote) + "/users/twice";
        remote.stubFor(get("/users/twice").willReturn(okForContentType(AP, """
                {"id": "%s", "type": "Person", "inbox": "%s/inbox", "inbox": "https://elsewhere.example/inbox"}""".formatted(id, id))));

        fails(Reason.MALFORMED, () -> fetcher().getActivityJson(at(remote, "/users/twice")));
    }

    @Test
    void errorStatusesHaveTheirReasons() {
        remote.stubFor(get("/missing").willReturn(aResponse().withStatus(404)));
        remote.stubFor(get("/gone").willReturn(aResponse().withStatus(410)));
        remote.stubFor(get("/broken").willReturn(aResponse().withStatus(500)));
        remote.stubFor(get("/forbidden").willReturn(aResponse().withStatus(401)));

        assertEquals(
                404,
                fails(Reason.NOT_FOUND, () -> fetcher().getActivityJson(at(remote, "/missing")))
                        .status());
        assertEquals(
                410,
                fails(Reason.GONE, () -> fetcher().getActivityJson(at(remote, "/gone")))
                        .status());
        assertEquals(
                500,
                fails(Reason.HTTP_ERROR, () -> fetcher().getActivityJson(at(remote, "/broken")))
                        .status());
        assertEquals(
                401,
                fails(Reason.HTTP_ERROR, () -> fetcher().getActivityJson(at(remote, "/forbidden")))
                        .status());
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        fails(Reason.UNREACHABLE, () -> fetcher().getActivityJson(URI.create("http://127.0.0.1:" + closed + "/x")));
    }

    // ---- signing ----

    @Test
    void fetchesCarryTheSigningHeadersOnEveryHop() throws Exception {
        var fetcher = fetcher();
        fetcher.signWith((method, uri, headers, body) -> Map.of("Signature", "test " + method + " " + uri.getPath()));
        remote.stubFor(get("/@alice").willReturn(temporaryRedirect("/users/alice")));
        remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(base(remote) + "/users/alice"))));

        fetcher.getActivityJson(at(remote, "/@alice"));

        remote.verify(getRequestedFor(urlEqualTo("/@alice")).withHeader("Signature", equalTo("test GET /@alice")));
        remote.verify(
                getRequestedFor(urlEqualTo("/users/alice")).withHeader("Signature", equalTo("test GET /users/alice")));
    }

    /** The request as WireMock received it, addressed to where it was sent. */
    private static HttpRequestParts asReceived(WireMockExtension server, LoggedRequest request) {
        var headers = new LinkedHashMap<String, List<String>>();
        for (var header : request.getHeaders().all()) headers.put(header.key(), header.values());
        return new HttpRequestParts(
                request.getMethod().getName(), URI.create(base(server) + request.getUrl()), headers, request.getBody());
    }

    @Test
    void theAppSignsFetchesAsItsInstanceActorAndTheSignatureVerifies() throws Exception {
        var config = TestPostgres.config(Map.of());
        try (var app = App.open(config)) {
            var actor = app.instanceActor();
            var id = base(remote) + "/users/alice";
            remote.stubFor(get("/users/alice").willReturn(okForContentType(AP, actorJson(id))));
            remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                    .willReturn(okForContentType("application/jrd+json", "{\"subject\": \"acct:alice@127.0.0.1\"}")));

            app.fetcher().getActivityJson(URI.create(id));
            app.fetcher()
                    .getJson(
                            at(remote, "/.well-known/webfinger?resource=acct%3Aalice%40127.0.0.1"),
                            "application/jrd+json");

            var verifier = new SignatureVerifier(Clock.systemUTC());
            var key = VerificationKey.fromPem(actor.publicKeyPem());
            var requests = remote.findAll(anyRequestedFor(anyUrl()));
            assertEquals(2, requests.size());
            for (var request : requests) {
                var signature = request.getHeader("Signature");
                assertTrue(signature.startsWith("keyId=\"" + actor.uri() + "#main-key\""), signature);
                assertTrue(signature.contains("headers=\"(request-target) host date accept\""), signature);
                // Host as sent, non-default port included, is the host that was signed.
                assertEquals("127.0.0.1:" + remote.getPort(), request.getHeader("Host"));
                var result = verifier.verify(
                        asReceived(remote, request),
                        keyId -> keyId.equals(actor.publicKeyId()) ? Optional.of(key) : Optional.empty());
                var verified = assertInstanceOf(VerificationResult.Verified.class, result, result.toString());
                assertEquals(SignatureScheme.CAVAGE, verified.scheme());
                assertEquals(actor.publicKeyId(), verified.keyId());
            }
            // The query is signed: the same request for another resource does not verify.
            var webfinger = requests.stream()
                    .filter(r -> r.getUrl().contains("?"))
                    .findFirst()
                    .orElseThrow();
            var tampered =
                    asReceived(remote, webfinger).withUri(at(remote, "/.well-known/webfinger?resource=acct%3Aeve%40x"));
            assertTrue(!verifier.verify(tampered, keyId -> Optional.of(key)).isVerified(), "the query was not signed");
        } finally {
            TestPostgres.dropDatabase(config.database().url());
        }
    }
}
