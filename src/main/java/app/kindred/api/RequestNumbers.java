package app.kindred.api;

import io.javalin.http.Context;

/**
 * Numbers read from a request's path or query string. A value that is not one is refused with a 400
 * naming the field, the same words on every route, rather than each route's own copy of the parsing.
 */
final class RequestNumbers {
    private RequestNumbers() {}

    /** The path parameter {@code name} as a number (an id), or a 400 saying it must be one. */
    static long path(Context ctx, String name) {
        try {
            return Long.parseLong(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw JsonBody.badRequest(name, name + " must be a number");
        }
    }

    /** A {@code ?page=} value from 1 to {@code last}; absent means the first page. */
    static int page(String raw, int last) {
        if (raw == null) return 1;
        try {
            int page = Integer.parseInt(raw);
            if (page >= 1 && page <= last) return page;
        } catch (NumberFormatException e) {
            // refused below, with the rule
        }
        throw JsonBody.badRequest("page", "page must be a whole number from 1 to " + last);
    }
}
