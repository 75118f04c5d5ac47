package app.kindred.metrics;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint on its own port behind a token: requests by route template and status
 * with a histogram, rate-limit refusals, the inbound queue, hosts backing off, the pools and the JVM,
 * each seen to change as the server works.
 */
class MetricsTest {
    private static final String TOKEN = "a-scrape-token-for-tests";
    private static TestServer server;
    private static ApiClient api;
    private static int metricsPort;

    @BeforeAll
    static void start() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = socket.getLocalPort();
        }
        server = TestServer.start(Map.of(
                "KINDRED_METRICS_PORT",
                String.valueOf(metricsPort),
                "KINDRED_METRICS_TOKEN",
                TOKEN,
                "KINDRED_LIMITS_THREAD",
                "1/1m"));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> scrape(String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String metrics() throws Exception {
        var response = scrape(TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of the series written exactly as {@code series} (name and labels), or 0 when absent. */
    private static double value(String text, String series) {
        var m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aScrapeNeedsTheTokenAndTheSiteDoesNotServeMetrics() throws Exception {
        assertEquals(401, scrape(null).statusCode());
        assertEquals(401, scrape("wrong").statusCode());
        assertTrue(metrics().contains("jvm_memory_used_bytes"), "JVM metrics are there");
        assertEquals(404, server.get("/metrics").statusCode(), "nothing of this on the public port");
    }

    @Test
    void requestsAreCountedByRouteTemplateAndStatusWithAHistogram() throws Exception {
        var alice = api.member("alice");
        long id = api.community(alice, "counted");
        var series =
                "kindred_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/communities/{id}\",status=\"200\"}";
        var missing =
                "kindred_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/communities/{id}\",status=\"404\"}";
        var before = metrics();
        api.get("/api/v1/communities/" + id, null);
        api.get("/api/v1/communities/" + id, null);
        api.get("/api/v1/communities/999999", null);
        var after = metrics();
        assertEquals(value(before, series) + 2, value(after, series), after);
        assertEquals(value(before, missing) + 1, value(after, missing));
        assertFalse(after.contains("/api/v1/communities/" + id + "\""), "no ids in the labels");
        assertTrue(
                after.contains(
                        "kindred_http_requests_seconds_bucket{method=\"GET\",route=\"/api/v1/communities/{id}\",status=\"200\",le="),
                "a latency histogram");
    }

    @Test
    void rateLimitRefusalsAreCounted() throws Exception {
        var bob = api.member("bob");
        long id = api.community(bob, "limited");
        var series = "kindred_rate_limit_refusals_total{limit=\"thread\"}";
        double before = value(metrics(), series);
        assertEquals(
                201,
                api.post("/api/v1/communities/" + id + "/threads", Map.of("title", "one"), bob)
                        .statusCode());
        assertEquals(
                429,
                api.post("/api/v1/communities/" + id + "/threads", Map.of("title", "two"), bob)
                        .statusCode());
        assertEquals(before + 1, value(metrics(), series));
    }

    @Test
    void theInboundQueueHostsBackingOffAndPoolsAreShown() throws Exception {
        var text = metrics();
        assertEquals(
                server.app().config().database().poolSize(),
                value(text, "kindred_db_connections_max{pool=\"kindred-db\"}"));
        assertTrue(text.contains("kindred_db_connections_active{pool=\"kindred-db-background\"}"), text);
        assertTrue(text.contains("kindred_deliveries_total{outcome=\"delivered\"}"));

        // Workers are not started here, so what is put in the queue stays there to be counted.
        server.sql(
                "insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme, received_at)"
                        + " values ('https://remote.example/a/1', 'Create', 'https://remote.example/u/x', 'shared',"
                        + " '{}'::jsonb, 'cavage', now() - interval '90 seconds')");
        server.sql("insert into host_health (host, failing_since) values ('down.example', now())");
        eventually(() -> {
            var now = metrics();
            assertEquals(1, value(now, "kindred_inbound_pending"), now);
            assertTrue(value(now, "kindred_inbound_oldest_age_seconds") >= 90, now);
            assertEquals(1, value(now, "kindred_hosts_backing_off"), now);
        });
    }
}
