package app.kindred.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * GET /metrics on a port of its own, apart from the site's: bound to 127.0.0.1 by default so only
 * this machine (or a scraper it tunnels for) reads it, optionally behind a bearer token. The JDK's
 * own small server: one scrape at a time is all Prometheus asks.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static MetricsServer start(Metrics metrics, String host, int port, String token) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen for metrics on " + host + ":" + port, e);
        }
        var expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    answer(exchange, 405, "GET only\n");
                } else if (!token.isEmpty() && !authorised(exchange, expected)) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                    answer(exchange, 401, "a bearer token is required\n");
                } else {
                    exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    answer(exchange, 200, metrics.scrape());
                }
            }
        });
        var executor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("kindred-metrics").daemon(true).factory());
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    private static boolean authorised(HttpExchange exchange, byte[] expected) {
        var sent = exchange.getRequestHeaders().getFirst("Authorization");
        // Constant time, so the token cannot be guessed a byte at a time.
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The port it listens on (the one chosen when 0 was asked of the operating system, in tests). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
    }
}
