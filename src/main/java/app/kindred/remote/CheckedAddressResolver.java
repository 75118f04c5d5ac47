package app.kindred.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Resolves a host name for a Jetty client and lets through only addresses we may connect to. The
 * check happens where the connection is made, so a DNS answer cannot change between check and use.
 */
public record CheckedAddressResolver(BiPredicate<String, InetSocketAddress> allowed) implements SocketAddressResolver {

    public CheckedAddressResolver(AddressPolicy policy) {
        this((BiPredicate<String, InetSocketAddress>) (host, socket) -> policy.allows(host, socket.getAddress()));
    }

    /** A check of the address alone, whatever name it was the answer for. */
    public CheckedAddressResolver(Predicate<InetSocketAddress> allowed) {
        this((BiPredicate<String, InetSocketAddress>) (host, socket) -> allowed.test(socket));
    }

    /** The whole name was refused: one private answer makes it suspect (rebinding tricks mix them). */
    public static final class RefusedAddressException extends IOException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            var usable = new ArrayList<InetSocketAddress>();
            for (var address : InetAddress.getAllByName(host)) {
                var socket = new InetSocketAddress(address, port);
                if (!allowed.test(host, socket)) {
                    // No address in the message: it reaches logs, and a member must not learn our DNS from it.
                    promise.failed(
                            new RefusedAddressException("refused to connect to " + host + ": not a public address"));
                    return;
                }
                usable.add(socket);
            }
            promise.succeeded(usable);
        } catch (UnknownHostException e) {
            promise.failed(e);
        }
    }
}
