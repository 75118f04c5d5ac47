package app.kindred.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A load generator's HTTP/1.1 connection: writes requests built beforehand, byte for byte, on one
 * kept-alive socket and reads each answer's status and body. The JDK's HttpClient spent about a tenth
 * of the benchmark JVM's CPU on its own machinery; a remote server's sending costs are not ours to measure.
 */
final class RawHttpClient implements AutoCloseable {
    /** One answer: status, body, and its Retry-After header (null when it has none). */
    /** {@code bytes}: the body as sent; {@link #body()} decodes it, so a caller that needs only its size pays nothing. */
    record Answer(int status, byte[] bytes, String retryAfter) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttpClient(InetSocketAddress address) {
        this.address = address;
    }

    /** A whole request: request line, headers (Host and Content-Length included) and body. */
    static byte[] request(String method, String target, java.util.Map<String, String> headers, byte[] body) {
        var head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        var headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        var all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** Opens the connection now (send opens it when needed), so a run can connect before its clock starts. */
    void connect() throws IOException {
        if (socket != null) return;
        var s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            s.setSoTimeout(60_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
    }

    Answer send(byte[] request) throws IOException {
        connect();
        try {
            out.write(request);
            out.flush();
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Answer read() throws IOException {
        var status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false, closes = false;
        String retryAfter = null;
        for (String header; !(header = line()).isEmpty(); ) {
            int colon = header.indexOf(':');
            var name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            var value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                case "retry-after" -> retryAfter = value;
                default -> {}
            }
        }
        if (!chunked) {
            // The usual answer, read straight into its array (no second copy through a stream).
            var bytes = length > 0 ? in.readNBytes((int) length) : new byte[0];
            if (bytes.length < length) throw new EOFException("connection closed in a body");
            if (closes) close();
            return new Answer(code, bytes, retryAfter);
        }
        var body = new ByteArrayOutputStream();
        for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; line()) copy(size, body);
        while (!line().isEmpty()) {
            /* trailers */
        }
        if (closes) close();
        return new Answer(code, body.toByteArray(), retryAfter);
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        var bytes = in.readNBytes((int) n);
        if (bytes.length < n) throw new EOFException("connection closed in a body");
        to.write(bytes);
    }

    private String line() throws IOException {
        var line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new EOFException("connection closed in an answer");
            if (b != '\r') line.append((char) b);
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket == null) return;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket = null;
    }
}
