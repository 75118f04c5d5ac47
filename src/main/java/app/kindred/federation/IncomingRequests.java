package app.kindred.federation;

import app.kindred.federation.signature.HttpRequestParts;
import io.javalin.http.Context;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The request as its sender signed it: our public base URL (not Jetty's view behind a proxy), path, query, headers, body. */
final class IncomingRequests {
    private IncomingRequests() {}

    static HttpRequestParts parts(Context ctx, URI base, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (var name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(ctx.req().getHeaders(name))));
        }
        var query = ctx.queryString();
        var uri = URI.create(base + ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query));
        return new HttpRequestParts(ctx.method().name(), uri, headers, body);
    }
}
