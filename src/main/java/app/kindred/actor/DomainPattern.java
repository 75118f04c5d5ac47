package app.kindred.actor;

import app.kindred.refusal.Refusal;
import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a block names: a host with every port and subdomain ({@code example.com}), one port of a
 * host ({@code example.com:8443}, {@code 127.0.0.2:8080}), or only the subdomains
 * ({@code *.example.com}).
 */
public record DomainPattern(String host, int port, boolean subdomainsOnly) {
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public static DomainPattern parse(String text) {
        var s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("https://") || s.startsWith("http://")) s = s.substring(s.indexOf("//") + 2);
        if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        boolean wildcard = s.startsWith("*.");
        if (wildcard) s = s.substring(2);
        int port = -1;
        int colon = s.lastIndexOf(':');
        if (colon > 0 && !s.startsWith("[")) {
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            if (port < 1 || port > 65535) throw invalid(text);
            s = s.substring(0, colon);
        }
        try {
            s = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw invalid(text);
        }
        if (!(HOST.matcher(s).matches() || IPV4.matcher(s).matches())) throw invalid(text);
        // An address has no subdomains, so *.127.0.0.1 would cover nothing.
        if (wildcard && IPV4.matcher(s).matches()) throw invalid(text);
        return new DomainPattern(s, port, wildcard);
    }

    private static Refusal invalid(String text) {
        return Refusal.invalid(
                "domain",
                "\"" + text + "\" is not a domain; write a host like example.com, "
                        + "example.com:8443 or *.example.com");
    }

    /** Whether an authority (host or host:port, as in an actor's URI) falls under this pattern. */
    public boolean covers(String authority) {
        var a = authority.toLowerCase(Locale.ROOT);
        int colon = a.lastIndexOf(':');
        String h = a;
        int p = -1;
        if (colon > 0 && !a.endsWith("]")) {
            h = a.substring(0, colon);
            try {
                p = Integer.parseInt(a.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (port != -1 && port != p) return false;
        // An address has no subdomains: a pattern "0.0.2" must not cover 127.0.0.2.
        boolean sub = !IPV4.matcher(h).matches() && h.endsWith("." + host);
        return subdomainsOnly ? sub : sub || h.equals(host);
    }

    /** How it is written: the stored, normalised form. */
    @Override
    public String toString() {
        return (subdomainsOnly ? "*." : "") + host + (port == -1 ? "" : ":" + port);
    }

    /** As Mastodon publishes an obfuscated block: the middle half of the name starred. */
    public String obfuscated() {
        var name = toString();
        int from = name.length() / 4, length = name.length() / 2;
        return name.substring(0, from) + "*".repeat(length) + name.substring(from + length);
    }
}
