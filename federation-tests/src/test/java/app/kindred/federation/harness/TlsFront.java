package app.kindred.federation.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * TLS in front of one instance, as an admin's proxy (Caddy, nginx) terminates it: listens on a
 * 127.0.0.1 port with the instance's certificate and passes the decrypted bytes, unchanged (Host
 * header included), to the instance's plain port. Kindred itself serves plain http behind a proxy.
 */
public final class TlsFront implements AutoCloseable {
    private final SSLServerSocket server;
    private final int target;
    private volatile boolean open = true;

    private TlsFront(SSLServerSocket server, int target) {
        this.server = server;
        this.target = target;
    }

    public static TlsFront start(SSLContext context, int target) {
        try {
            var server = (SSLServerSocket)
                    context.getServerSocketFactory().createServerSocket(0, 128, InetAddress.getLoopbackAddress());
            var front = new TlsFront(server, target);
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

    private void accept() {
        while (open) {
            try {
                var client = (SSLSocket) server.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                if (open) System.err.println("tls front: " + e);
            }
        }
    }

    private void relay(SSLSocket client) {
        try (client;
                var upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
            client.startHandshake();
            var back = Thread.ofVirtual().start(() -> pump(upstream, client));
            pump(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            // A client that refused our certificate, or a connection closed mid-way: nothing to pass on.
        }
    }

    /** Copies until either side ends, then closes both, so the other direction ends too. */
    private static void pump(Socket from, Socket to) {
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
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
