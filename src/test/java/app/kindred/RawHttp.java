package app.kindred;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 written by hand over a socket, for requests a proper client refuses to send: a Host of
 * our choosing, a body shorter than its Content-Length, a Content-Length that is not a number.
 */
public final class RawHttp {
    private RawHttp() {}

    /** The answer as read until the server closed the connection. */
    public record Response(int status, String head, String body) {
        public String header(String name) {
            for (var line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
                    return line.substring(colon + 1).trim();
            }
            return null;
        }

        public String mediaType() {
            var type = header("Content-Type");
            return type == null ? null : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        }
    }

    /** Sends {@code head} (request line and headers, without the blank line), then {@code body}, then half-closes. */
    public static Response exchange(int port, String head, byte[] body) {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            var in = socket.getInputStream().readAllBytes();
            var text = new String(in, StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            var responseHead = split < 0 ? text : text.substring(0, split);
            var responseBody = split < 0 ? "" : text.substring(split + 4);
            int status = responseHead.length() >= 12 ? Integer.parseInt(responseHead.substring(9, 12)) : -1;
            var response = new Response(status, responseHead, responseBody);
            var encoding = response.header("Transfer-Encoding");
            return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")
                    ? new Response(status, responseHead, dechunk(responseBody))
                    : response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dechunk(String chunked) {
        var out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) break;
            int size = Integer.parseInt(
                    chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) break;
            // Sizes count bytes; the problem bodies we read are ASCII, so bytes and chars agree.
            out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    public static int port(TestServer server) {
        return Integer.parseInt(server.domain().substring(server.domain().lastIndexOf(':') + 1));
    }
}
