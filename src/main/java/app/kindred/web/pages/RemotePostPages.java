package app.kindred.web.pages;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/**
 * A thread from another server, at /r/p/{id} (issue 14): everything this instance knows of it, read
 * here like one of ours, under a path of our own, so /p/{id} stays the address of what this
 * instance publishes (an ActivityPub client asking /p/{id} of a remote post gets 404, not a copy).
 * The page itself is the thread page's; replying, voting and reporting keep their /p/{id}/… forms.
 */
public final class RemotePostPages {
    static final String PREFIX = "/r/p/";

    private RemotePostPages() {}

    /** Our page of a thread: /p/{id} for one of ours, /r/p/{id} for one from elsewhere. */
    static String path(boolean local, long threadId) {
        return (local ? "/p/" : PREFIX) + threadId;
    }

    static void register(RoutesConfig routes, Handler threadPage) {
        routes.get(PREFIX + "{id}", threadPage);
    }

    /**
     * When a thread was asked for at the other of its two possible addresses (a remote thread at
     * /p/{id}, as older links and notifications have it, or one of ours at /r/p/{id}): sends the reader
     * to the right one, keeping the page asked for, and returns true.
     */
    static boolean elsewhere(Context ctx, boolean local, long threadId) {
        var right = path(local, threadId);
        if (ctx.path().equals(right)) return false;
        ctx.redirect(right + (ctx.queryString() == null ? "" : "?" + ctx.queryString()), HttpStatus.FOUND);
        return true;
    }
}
