package app.kindred.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;

/**
 * An RFC 9457 problem body: a title a person can act on, and the field at fault when there is one.
 * Every door that answers over HTTP (the API, the web pages' JSON answers, the inbox) writes it the
 * same way, so it lives apart from all of them and imports nothing of ours.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null);
    }

    /** Answers {@code ctx} with this problem as JSON and the problem media type. */
    public static void send(Context ctx, int status, String title, String detail, String field) {
        ctx.status(status)
                .json(new Problem("about:blank", title, status, detail, field))
                .contentType(MEDIA_TYPE);
    }
}
