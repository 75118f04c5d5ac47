package app.kindred.delivery;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Many remote hosts in one test JVM: each is its own 127.0.0.1 port (so its own host:port to the
 * delivery queue) that reads POSTed activities, records their ids and answers 202 after a delay.
 * Blocking sockets on virtual threads keep a thousand of them cheap; signatures are not checked,
 * only that one was sent. A "hanging" host reads the request and never answers.
 */
public final class StubInboxes implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final byte[] ACCEPTED =
            "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FOUND =
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public record Settings(Duration minDelay, Duration maxDelay, Set<Integer> hanging) {
        public static Settings immediate() {
            return new Settings(Duration.ZERO, Duration.ZERO, Set.of());
        }
    }

    private final Settings settings;
    private volatile Set<Integer> hanging;
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** host:port → activity id → how many POSTs carried it. */
    private final Map<String, Map<String, AtomicInteger>> received = new ConcurrentHashMap<>();

    private final LongAdder posts = new LongAdder();
    private final LongAdder unsigned = new LongAdder();
    private volatile long lastPostNanos;
    private volatile boolean closed;

    public StubInboxes(int hosts, Settings settings) throws IOException {
        this.settings = settings;
        this.hanging = Set.copyOf(settings.hanging());
        var loopback = InetAddress.getLoopbackAddress();
        for (int i = 0; i < hosts; i++) {
            var server = new ServerSocket(0, 200, loopback);
            servers.add(server);
            received.put(host(i), new ConcurrentHashMap<>());
            int index = i;
            Thread.ofVirtual().name("stub-accept-" + server.getLocalPort()).start(() -> accept(server, index));
        }
    }

    public int size() {
        return servers.size();
    }

    public String host(int index) {
        return "127.0.0.1:" + servers.get(index).getLocalPort();
    }

    public URI inbox(int index) {
        return URI.create("http://" + host(index) + "/inbox");
    }

    public long posts() {
        return posts.sum();
    }

    /** POSTs that came without a Signature or Signature-Input header; should stay 0. */
    public long unsigned() {
        return unsigned.sum();
    }

    public long lastPostNanos() {
        return lastPostNanos;
    }

    /** Every (host, activity id) pair received at least once. */
    public Set<String> pairs() {
        var pairs = new HashSet<String>();
        received.forEach((host, ids) -> ids.keySet().forEach(id -> pairs.add(host + " " + id)));
        return pairs;
    }

    /** POSTs beyond the first for the same host and activity. */
    public long duplicates() {
        long dupes = 0;
        for (var ids : received.values()) {
            for (var count : ids.values()) dupes += count.get() - 1;
        }
        return dupes;
    }

    /** Which hosts (by index) hang now. */
    public Set<Integer> hanging() {
        return hanging;
    }

    /** Which hosts (by index) hang from the next request on. */
    public void hang(Set<Integer> hosts) {
        hanging = Set.copyOf(hosts);
    }

    /** How many hosts received the activity at least once. */
    public int hostsReached(String activityId) {
        int n = 0;
        for (var ids : received.values()) {
            if (ids.containsKey(activityId)) n++;
        }
        return n;
    }

    /** The hosts (by index) that have not received the activity yet. */
    public List<Integer> hostsMissing(String activityId) {
        var missing = new ArrayList<Integer>();
        for (int i = 0; i < servers.size(); i++) {
            var ids = received.get(host(i));
            if (ids == null || !ids.containsKey(activityId)) missing.add(i);
        }
        return missing;
    }

    public void resetCounts() {
        received.values().forEach(Map::clear);
        posts.reset();
        unsigned.reset();
    }

    private void accept(ServerSocket server, int index) {
        while (!closed) {
            try {
                var socket = server.accept();
                socket.setTcpNoDelay(true);
                open.add(socket);
                var host = "127.0.0.1:" + server.getLocalPort();
                Thread.ofVirtual().start(() -> serve(socket, host, index));
            } catch (IOException e) {
                if (!closed) throw new IllegalStateException("stub inbox stopped accepting", e);
                return;
            }
        }
    }

    private void serve(Socket socket, String host, int index) {
        try (socket) {
            var in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            var out = socket.getOutputStream();
            while (!closed) {
                var request = readRequest(in);
                if (request == null) return;
                if (hanging.contains(index)) {
                    // Accepts the connection and the request, then says nothing until the client gives up.
                    while (in.read() >= 0) {
                        /* wait for the client to close */
                    }
                    return;
                }
                if (!request.method().equals("POST")) {
                    write(out, NOT_FOUND);
                    continue;
                }
                var matcher = ID.matcher(request.body());
                var id = matcher.find() ? matcher.group(1) : "(no id)";
                pause();
                received.get(host).computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                if (!request.signed()) unsigned.increment();
                posts.increment();
                lastPostNanos = System.nanoTime();
                write(out, ACCEPTED);
            }
        } catch (IOException e) {
            // the client went away; nothing to record
        } finally {
            open.remove(socket);
        }
    }

    private static void write(OutputStream out, byte[] response) throws IOException {
        out.write(response);
        out.flush();
    }

    private void pause() {
        long min = settings.minDelay().toMillis(), max = settings.maxDelay().toMillis();
        if (max <= 0) return;
        try {
            Thread.sleep(min + ThreadLocalRandom.current().nextLong(Math.max(1, max - min + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Request(String method, boolean signed, String body) {}

    /** One HTTP/1.1 request with a Content-Length body (what Jetty's client sends for byte content). */
    private static Request readRequest(InputStream in) throws IOException {
        var requestLine = line(in);
        if (requestLine == null) return null;
        int length = 0;
        boolean signed = false;
        for (String header; (header = line(in)) != null && !header.isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon < 0) continue;
            var name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("content-length"))
                length = Integer.parseInt(header.substring(colon + 1).trim());
            if (name.equals("signature") || name.equals("signature-input")) signed = true;
        }
        var body = in.readNBytes(length);
        if (body.length < length) return null;
        var method = requestLine.substring(0, Math.max(0, requestLine.indexOf(' ')));
        return new Request(method, signed, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        var sb = new StringBuilder(64);
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                int end = sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r' ? sb.length() - 1 : sb.length();
                return sb.substring(0, end);
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        for (var server : servers) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (var socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
