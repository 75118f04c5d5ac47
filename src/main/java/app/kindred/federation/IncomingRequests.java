package app.kindred.federation;

import app.kindred.federation.signature.HttpRequestParts;
import io.javalin.http.Context;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The request as its sender signed it: our public base URL (not Jetty's view behind a proxy), path, query, headers, body. */
public final class IncomingRequests {
    private static final Pattern KEY_HOST = Pattern.compile("keyid=\"(https?://[^\"/]+)", Pattern.CASE_INSENSITIVE);

    private IncomingRequests() {}

    public static HttpRequestParts parts(Context ctx, URI base, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (var name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(ctx.req().getHeaders(name))));
        }
        var query = ctx.queryString();
        var uri = URI.create(base + ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query));
        return new HttpRequestParts(ctx.method().name(), uri, headers, body);
    }

    /** The host in the signature's keyId (cavage Signature or RFC 9421 Signature-Input), if one can be read. */
    public static String keyHost(Context ctx) {
        var header = ctx.header("Signature-Input") != null ? ctx.header("Signature-Input") : ctx.header("Signature");
        if (header == null) return null;
        var m = KEY_HOST.matcher(header);
        return m.find() ? URI.create(m.group(1)).getRawAuthority() : null;
    }
}
