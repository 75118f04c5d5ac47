package app.kindred.federation.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A TCP proxy on 127.0.0.1 that hands each new connection to the next of several backends in turn,
 * as a load balancer in front of several Kindred processes would (one HTTP keep-alive connection
 * stays with one backend, as with HAProxy or nginx in TCP mode). Counts connections per backend.
 */
public final class RoundRobinProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray connections;

    private RoundRobinProxy(ServerSocket server, List<Integer> backends) {
        this.server = server;
        this.backends = List.copyOf(backends);
        this.connections = new AtomicLongArray(backends.size());
        Thread.ofPlatform().daemon().name("round-robin-proxy").start(this::accept);
    }

    /** Listens on {@code port} (0: any free one) and forwards to 127.0.0.1 at each of {@code backendPorts}. */
    public static RoundRobinProxy start(int port, List<Integer> backendPorts) {
        try {
            var server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return new RoundRobinProxy(server, backendPorts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections handed to backend {@code i} so far. */
    public long connections(int i) {
        return connections.get(i);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                int i = Math.floorMod(next.getAndIncrement(), backends.size());
                connections.incrementAndGet(i);
                Thread.ofVirtual().start(() -> forward(client, backends.get(i)));
            } catch (IOException e) {
                if (!server.isClosed()) System.err.println("proxy: " + e);
            }
        }
    }

    private static void forward(Socket client, int backendPort) {
        try (client;
                var backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            var back = Thread.ofVirtual().start(() -> pipe(backend, client));
            pipe(client, backend);
            back.join();
        } catch (IOException | InterruptedException e) {
            // A backend that is down closes the client's connection, as a proxy with no healthy backend would.
        }
    }

    /** Copies until the source ends, then half-closes the destination so the other side sees the end. */
    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
