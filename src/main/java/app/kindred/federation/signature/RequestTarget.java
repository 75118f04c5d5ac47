package app.kindred.federation.signature;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/** The pieces of a request's URI that both schemes sign, normalised the same way for signer and verifier. */
final class RequestTarget {

    private RequestTarget() {}

    static String scheme(HttpRequestParts request) {
        String scheme = request.uri().getScheme();
        return scheme == null ? "https" : scheme.toLowerCase(Locale.ROOT);
    }

    /** Host and port in lower case, without a default port; falls back to the Host header for a relative URI. */
    static String authority(HttpRequestParts request) {
        URI uri = request.uri();
        String host = uri.getHost();
        if (host == null) {
            return request.header("host").map(h -> h.toLowerCase(Locale.ROOT)).orElse("");
        }
        int port = uri.getPort();
        String scheme = scheme(request);
        boolean defaultPort =
                port == -1 || (port == 443 && scheme.equals("https")) || (port == 80 && scheme.equals("http"));
        return host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    static String authority(URI uri) {
        return authority(new HttpRequestParts("GET", uri, Map.of(), null));
    }

    static String path(HttpRequestParts request) {
        String path = request.uri().getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** The raw query without '?', or null when there is none. */
    static String query(HttpRequestParts request) {
        return request.uri().getRawQuery();
    }

    static String pathAndQuery(HttpRequestParts request, boolean includeQuery) {
        String query = query(request);
        return path(request) + (includeQuery && query != null ? "?" + query : "");
    }

    static String targetUri(HttpRequestParts request) {
        return scheme(request) + "://" + authority(request) + pathAndQuery(request, true);
    }
}
