package app.kindred.federation.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real third-party ActivityPub server built on Fedify (federation-tests/peer), started as a
 * child process and driven through its control API. It speaks the protocol with Fedify's own code,
 * so what it accepts from us is what Fedify-based software accepts.
 */
public final class FedifyPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private FedifyPeer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path peerDir() {
        return Path.of(System.getProperty("kindred.federationTests.dir", "federation-tests"))
                .resolve("peer");
    }

    /** Installs the peer's pinned npm packages (Node 22 included) when they are not there yet. */
    static Path node() throws IOException, InterruptedException {
        var install = new ProcessBuilder("bash", peerDir().resolve("install.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        var out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (install.waitFor() != 0) {
            throw new IllegalStateException(
                    "federation-tests/peer/install.sh failed; run it by hand to see why (npm must reach its registry)");
        }
        var lines = out.lines().toList();
        return Path.of(lines.get(lines.size() - 1));
    }

    public static FedifyPeer start() throws Exception {
        var node = node();
        var log = Files.createTempFile("fedify-peer", ".log");
        var process = new ProcessBuilder(node.toString(), "peer.mjs", "0")
                .directory(peerDir().toFile())
                .redirectError(log.toFile())
                .start();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("PEER_READY "))
                        return Integer.parseInt(line.substring(11).strip());
                }
                return -1;
            } catch (IOException e) {
                return -1;
            }
        });
        int port = ready.get(60, TimeUnit.SECONDS);
        if (port <= 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the Fedify peer did not start; its log:\n" + Files.readString(log));
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        Thread.ofVirtual().start(() -> {
            try {
                while (reader.readLine() != null) {
                    /* discard */
                }
            } catch (IOException ignored) {
                // the peer is gone
            }
        });
        return new FedifyPeer(process, port);
    }

    public String domain() {
        return "127.0.0.1:" + port;
    }

    public JsonNode get(String path) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create("http://" + domain() + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return withStatus(response);
    }

    public JsonNode post(String path, Object body) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create("http://" + domain() + path))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return withStatus(response);
    }

    private static JsonNode withStatus(HttpResponse<String> response) throws IOException {
        var node = JSON.readTree(response.body());
        var wrapper = JSON.createObjectNode();
        wrapper.put("httpStatus", response.statusCode());
        wrapper.set("body", node);
        return wrapper;
    }

    /** Fedify's lookupObject of an acct: URI or URL, as the peer reports it. */
    public JsonNode lookup(String query) throws Exception {
        return get("/control/lookup?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }

    public JsonNode nodeInfo(String baseUrl) throws Exception {
        return get("/control/nodeinfo?url=" + URLEncoder.encode(baseUrl, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            post("/control/shutdown", JSON.createObjectNode());
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
