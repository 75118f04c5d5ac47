package app.kindred.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import java.util.Map;

/**
 * The member web interface as the server sees it: its routes, its page for an error, and the pages
 * at addresses the fediverse shares. The pages package implements it, so the server does not
 * import the pages that import it.
 */
public interface Pages {
    /** The pages at addresses the fediverse shares, keyed by route, for browsers asking for HTML there. */
    Map<String, Handler> sharedAddresses();

    void register(RoutesConfig routes);

    /** Answers with the error page for {@code status}; {@code detail} is shown when not null. */
    void error(Context ctx, int status, String detail);

    /** Whether an answer to this request should be a page: a browser asking for HTML, outside the API. */
    static boolean wantsPage(Context ctx) {
        if (ctx.path().startsWith("/api/")) return false;
        var accept = ctx.header("Accept");
        if (accept == null) return false;
        var a = accept.toLowerCase(Locale.ROOT);
        return (a.contains("text/html") || a.contains("application/xhtml+xml"))
                && !a.contains("application/activity+json")
                && !a.contains("application/ld+json");
    }
}
