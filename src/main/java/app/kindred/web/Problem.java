package app.kindred.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem body: a title a person can act on, and the field at fault when there is one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {
    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null);
    }
}
