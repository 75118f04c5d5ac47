package app.kindred.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load balancer in front of several Kindred processes in the two-process runs: each new client
 * connection goes to the next process in turn, and bytes are copied both ways until either side
 * closes. A kept-alive connection stays on one process, as behind a TCP (layer 4) balancer, so the
 * processes share clients, not single requests.
 */
final class RoundRobinProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final Thread acceptor;

    RoundRobinProxy(int port, List<InetSocketAddress> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        this.acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                var client = listener.accept();
                var backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
                Thread.ofVirtual().start(() -> connect(client, backend));
            } catch (IOException e) {
                if (!listener.isClosed()) System.err.println("proxy: accept failed: " + e);
            }
        }
    }

    private static void connect(Socket client, InetSocketAddress backend) {
        var server = new Socket();
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(backend, 10_000);
            var up = Thread.ofVirtual().start(() -> copy(client, server));
            copy(server, client);
            up.join();
        } catch (IOException | InterruptedException e) {
            // the process refused or went away: the client sees its connection close
        } finally {
            close(client);
            close(server);
        }
    }

    /** Copies until the source closes, then half-closes the destination so the other way can finish. */
    private static void copy(Socket from, Socket to) {
        var buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) out.write(buffer, 0, n);
            to.shutdownOutput();
        } catch (IOException e) {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        acceptor.interrupt();
    }
}
