package app.kindred.remote;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which addresses we may connect to. Private, loopback, link-local (cloud metadata lives at
 * 169.254.169.254), unique-local, carrier-grade NAT, multicast and unspecified addresses reach our
 * own network, not the fediverse, and are refused unless the config allows them: all of them
 * ({@code allowPrivate}, tests and local trials), or only for the host names an admin listed
 * ({@code privateHosts}: {@code peer.example} names that host, {@code .example} every name under it).
 * The names are the ones we were asked to reach, before DNS: no answer can add a host to the list.
 */
public record AddressPolicy(boolean allowPrivate, List<String> privateHosts) {

    public AddressPolicy {
        privateHosts = privateHosts.stream()
                .map(AddressPolicy::normalised)
                .filter(h -> !h.isEmpty())
                .toList();
    }

    public AddressPolicy(boolean allowPrivate) {
        this(allowPrivate, List.of());
    }

    public boolean allows(InetAddress address) {
        return allowPrivate || isPublic(address);
    }

    /** Whether we may connect to {@code address}, one of the answers for the host name {@code host}. */
    public boolean allows(String host, InetAddress address) {
        return allows(address) || listed(host);
    }

    /** Whether the admin listed this host name (or a suffix of it) as one that may be private. */
    public boolean listed(String host) {
        if (host == null || privateHosts.isEmpty()) return false;
        var name = normalised(host);
        for (var entry : privateHosts) {
            if (entry.startsWith(".") ? name.endsWith(entry) : name.equals(entry)) return true;
        }
        return false;
    }

    private static String normalised(String host) {
        var name = host.strip().toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    public static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff, second = b[1] & 0xff;
            if (first == 0 || first >= 240) return false; // "this network", reserved, broadcast
            if (first == 100 && second >= 64 && second <= 127) return false; // carrier-grade NAT 100.64/10
            if (first == 192 && second == 0 && (b[2] & 0xff) == 0) return false; // IETF protocol assignments
            if (first == 198 && (second == 18 || second == 19)) return false; // benchmarking
            return true;
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return false; // unique local fc00::/7 (fd00:ec2::254 too)
            if (isIpv4Embedded(b)) return isPublicIpv4At(b, 12);
            // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) gateways forward to the IPv4 address inside.
            if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zeros(b, 4, 12)) {
                return isPublicIpv4At(b, 12);
            }
            if (b[0] == 0x20 && b[1] == 0x02) return isPublicIpv4At(b, 2);
        }
        return true;
    }

    private static boolean isPublicIpv4At(byte[] b, int offset) {
        try {
            return isPublic(
                    InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]}));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    /** ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) would otherwise smuggle IPv4 addresses past the check. */
    private static boolean isIpv4Embedded(byte[] b) {
        if (!zeros(b, 0, 10)) return false;
        return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
    }
}
