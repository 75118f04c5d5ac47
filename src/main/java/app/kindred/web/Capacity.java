package app.kindred.web;

import app.kindred.config.Config;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * How much the server takes on at once: requests handled together (more wait in a short queue,
 * then get 503 with Retry-After), how long a connection may stay silent, and how long a new one
 * may take to send its first request, so slow or idle clients cannot hold connections for ever.
 */
final class Capacity {
    /** What a request turned away at the door is told to wait, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    private Capacity() {}

    static void apply(Server server, Config.Server limits) {
        var qos = new QoSHandler(server.getHandler()) {
            @Override
            protected void reject(Request request, Response response, Callback callback, int status) {
                response.getHeaders().put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
                super.reject(request, response, callback, status);
            }
        };
        qos.setMaxRequestCount(limits.maxConcurrentRequests());
        qos.setMaxSuspendedRequestCount(limits.maxQueuedRequests());
        qos.setMaxSuspend(limits.maxQueueWait());
        server.setHandler(qos);
        for (var connector : server.getConnectors()) {
            if (!(connector instanceof ServerConnector network)) continue;
            network.setIdleTimeout(limits.idleTimeout().toMillis());
            network.addEventListener(
                    new FirstRequestDeadline(network, limits.headerTimeout().toMillis()));
        }
    }

    /**
     * Closes a connection that has not sent one whole request line and headers within the deadline.
     * The idle timeout alone does not: a client that trickles a byte every few seconds (slowloris)
     * is never idle. Only HTTP/1 connections are watched; once a request has arrived, the idle
     * timeout and the request's own stream timeout take over.
     */
    private record FirstRequestDeadline(ServerConnector connector, long millis) implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            if (!(connection instanceof AbstractMetaDataConnection)) return;
            connector
                    .getScheduler()
                    .schedule(
                            () -> {
                                if (connection.getMessagesIn() == 0
                                        && connection.getEndPoint().isOpen()) {
                                    connection.getEndPoint().close();
                                }
                            },
                            millis,
                            TimeUnit.MILLISECONDS);
        }
    }
}
