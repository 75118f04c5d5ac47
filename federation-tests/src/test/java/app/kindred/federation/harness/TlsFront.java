package app.kindred.federation.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS in front of one instance, as an admin's proxy (Caddy, nginx) terminates it: listens on a
 * 127.0.0.1 port with the instance's certificate and passes the decrypted bytes, unchanged (Host
 * header included), to the instance's plain port. Kindred itself serves plain http behind a proxy.
 * The certificate can be replaced while it runs ({@link #present}), as when an admin's renewal goes
 * wrong: open connections are closed, so the next request shakes hands with the new one.
 */
public final class TlsFront implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile SSLContext context;
    private volatile boolean running = true;

    private TlsFront(ServerSocket server, SSLContext context, int target) {
        this.server = server;
        this.context = context;
        this.target = target;
    }

    public static TlsFront start(SSLContext context, int target) {
        try {
            var server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            var front = new TlsFront(server, context, target);
            Thread.ofPlatform()
                    .daemon()
                    .name("tls-front-" + server.getLocalPort())
                    .start(front::accept);
            return front;
        } catch (IOException e) {
            throw new IllegalStateException("could not listen for TLS", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on shows this certificate; connections made with the old one are closed. */
    public void present(SSLContext next) {
        context = next;
        for (var socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void accept() {
        while (running) {
            try {
                var plain = server.accept();
                var client = (SSLSocket) context.getSocketFactory()
                        .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
                client.setUseClientMode(false);
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                if (running) System.err.println("tls front: " + e);
            }
        }
    }

    private void relay(SSLSocket client) {
        open.add(client);
        try (client;
                var upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
            open.add(upstream);
            client.startHandshake();
            var back = Thread.ofVirtual().start(() -> pump(upstream, client));
            pump(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            // A client that refused our certificate, or a connection closed mid-way: nothing to pass on.
        } finally {
            open.remove(client);
        }
    }

    /** Copies until either side ends, then closes both, so the other direction ends too. */
    private void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed by the other direction
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // already closed
            }
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
