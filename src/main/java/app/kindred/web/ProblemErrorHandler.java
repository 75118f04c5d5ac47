package app.kindred.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers (a header too large, a Content-Length that is no number) as RFC 9457 problems
 * like all of ours, instead of Jetty's HTML page. The detail is Jetty's short reason, never a stack.
 */
final class ProblemErrorHandler extends ErrorHandler {
    ProblemErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, WebServer.PROBLEM_JSON);
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        // Jetty does not keep a connection after refusing a request as malformed (a %00 in the path, say), but
        // did not say so: a client reused it and lost its next request, which it retries only when idempotent.
        if (code == HttpStatus.BAD_REQUEST_400) response.getHeaders().put(HttpHeader.CONNECTION, "close");
        // Jetty's 503s (the request queue full or waited out) say when to come back, like ours.
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503 && !response.getHeaders().contains(HttpHeader.RETRY_AFTER)) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(Capacity.RETRY_AFTER_SECONDS));
        }
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, WebServer.PROBLEM_JSON));
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String message) {
        var title = HttpStatus.getMessage(code);
        var detail = message == null || message.isBlank() ? title : message;
        return ("{\"type\":\"about:blank\",\"title\":" + quote(title) + ",\"status\":" + code + ",\"detail\":"
                        + quote(detail) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string; Jetty's reasons are short ASCII, but escape what JSON requires all the same. */
    private static String quote(String s) {
        var out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20) out.append(String.format("\\u%04x", (int) ch));
                    else out.append(ch);
                }
            }
        }
        return out.append('"').toString();
    }
}
