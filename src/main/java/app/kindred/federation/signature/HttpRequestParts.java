package app.kindred.federation.signature;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of an HTTP request that signatures cover. Header names are looked up case-insensitively;
 * the URI should be absolute (scheme and host), as the request was addressed by the sender.
 */
public record HttpRequestParts(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    public HttpRequestParts {
        method = method == null ? "" : method;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name == null || values == null) {
                    return;
                }
                copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
            });
        }
        copy.replaceAll((name, values) -> List.copyOf(values));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body.clone();
    }

    /** Convenience for single-valued headers. */
    public static HttpRequestParts of(String method, URI uri, Map<String, String> singleHeaders, byte[] body) {
        TreeMap<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        singleHeaders.forEach((name, value) ->
                multi.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
        return new HttpRequestParts(method, uri, multi, body);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    byte[] bodyView() {
        return body;
    }

    /** All values of a header, in order; empty when absent. */
    public List<String> headerValues(String name) {
        List<String> values = headers.get(name);
        return values == null ? List.of() : values;
    }

    public boolean hasHeader(String name) {
        return headers.containsKey(name);
    }

    /** The header's values trimmed and joined with ", ", the way both signature schemes canonicalise them. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            return Optional.empty();
        }
        List<String> trimmed = values.stream().map(String::strip).toList();
        return Optional.of(String.join(", ", trimmed));
    }

    /** A copy with one header replaced (or added). */
    public HttpRequestParts withHeader(String name, String value) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        copy.put(name, List.of(value));
        return new HttpRequestParts(method, uri, copy, body);
    }

    /** A copy with extra headers replacing those of the same name. */
    public HttpRequestParts withHeaders(Map<String, String> extra) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        extra.forEach((name, value) -> copy.put(name, List.of(value)));
        return new HttpRequestParts(method, uri, copy, body);
    }

    public HttpRequestParts withoutHeader(String name) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        copy.remove(name);
        return new HttpRequestParts(method, uri, copy, body);
    }

    public HttpRequestParts withMethod(String newMethod) {
        return new HttpRequestParts(newMethod, uri, headers, body);
    }

    public HttpRequestParts withUri(URI newUri) {
        return new HttpRequestParts(method, newUri, headers, body);
    }

    public HttpRequestParts withBody(byte[] newBody) {
        return new HttpRequestParts(method, uri, headers, newBody);
    }

    @Override
    public String toString() {
        return "HttpRequestParts[" + method + " " + uri + ", headers=" + headers.keySet() + ", body=" + body.length
                + " bytes]";
    }
}
