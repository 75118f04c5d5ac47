package app.kindred.remote;

import app.kindred.activitypub.ActivityPubJson;
import app.kindred.content.StorableText;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The one place that fetches anything from another server: actors, objects, keys, WebFinger,
 * collections. Every hop is checked: the scheme, every address the host name resolves to (checked
 * where the connection is made, so DNS cannot change its answer in between), the redirect count,
 * the size, the content type, and that a document's id has the origin it was fetched from.
 */
public final class RemoteFetcher implements AutoCloseable {
    /** {@code timeout} bounds a whole fetch, redirects included, so a caller knows how long it can wait. */
    public record Limits(Duration connectTimeout, Duration timeout, int maxBytes, int maxRedirects) {
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 1 << 20, 3);
        }
    }

    public record Fetched(URI uri, int status, String contentType, byte[] body) {}

    public static final String ACTIVITY_ACCEPT =
            "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

    private final HttpClient client;
    private final boolean allowHttp;
    private final Limits limits;
    private final String userAgent;
    // The inbox's limits and strictness: a fetched document is as hostile as a posted one.
    private final ObjectMapper json = ActivityPubJson.networkReader();
    private volatile RequestSigning signing;
    private volatile Predicate<String> refusedHosts = host -> false;

    public RemoteFetcher(AddressPolicy policy, boolean allowHttp, Limits limits, String userAgent) {
        this(new CheckedAddressResolver(policy), allowHttp, limits, userAgent);
    }

    /** Tests let one loopback socket stand in for a public server while every other address keeps the policy. */
    RemoteFetcher(Predicate<InetSocketAddress> allowed, boolean allowHttp, Limits limits, String userAgent) {
        this(new CheckedAddressResolver(allowed), allowHttp, limits, userAgent);
    }

    private RemoteFetcher(CheckedAddressResolver resolver, boolean allowHttp, Limits limits, String userAgent) {
        this.allowHttp = allowHttp;
        this.limits = limits;
        this.userAgent = userAgent;
        this.client = new HttpClient();
        client.setFollowRedirects(false);
        client.setConnectTimeout(limits.connectTimeout().toMillis());
        client.setSocketAddressResolver(resolver);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the HTTP client", e);
        }
        // A 401 without WWW-Authenticate (authorized fetch refusing us) is an answer, not a protocol
        // violation; start() installs these handlers, so they go after it.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    }

    /** Hosts the federation policy refuses; checked at every hop, before any connection. */
    public void refuseHosts(Predicate<String> refused) {
        this.refusedHosts = refused;
    }

    /** Fetches are signed (by the instance actor) once its key is known. */
    public void signWith(RequestSigning signing) {
        this.signing = signing;
    }

    /** GET with redirects followed by hand, each hop re-checked. Non-2xx answers are failures. */
    public Fetched get(URI uri, String accept) throws FetchException {
        return get(uri, accept, limits.maxBytes());
    }

    /** The same checks, with a size limit of the caller's (images are larger than documents). */
    public Fetched get(URI uri, String accept, int maxBytes) throws FetchException {
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        var current = uri;
        for (int hop = 0; ; hop++) {
            checkScheme(current);
            if (refusedHosts.test(current.getRawAuthority())) {
                throw new FetchException(
                        FetchException.Reason.REFUSED_DOMAIN,
                        "refused to fetch " + current + ": this instance does not federate with "
                                + current.getRawAuthority());
            }
            var response = send(current, accept, deadline, maxBytes);
            int status = response.getStatus();
            if (status >= 300 && status < 400 && response.getHeaders().get(HttpHeader.LOCATION) != null) {
                if (hop >= limits.maxRedirects()) {
                    throw new FetchException(
                            FetchException.Reason.TOO_MANY_REDIRECTS,
                            status,
                            "more than " + limits.maxRedirects() + " redirects from " + uri);
                }
                current = redirectTarget(current, response.getHeaders().get(HttpHeader.LOCATION));
                continue;
            }
            if (status == 404)
                throw new FetchException(FetchException.Reason.NOT_FOUND, status, current + " answered 404");
            if (status == 410) throw new FetchException(FetchException.Reason.GONE, status, current + " is gone (410)");
            if (status < 200 || status >= 300) {
                throw new FetchException(FetchException.Reason.HTTP_ERROR, status, current + " answered " + status);
            }
            return new Fetched(
                    current,
                    status,
                    Optional.ofNullable(response.getMediaType()).orElse(""),
                    response.getContent());
        }
    }

    private static URI redirectTarget(URI from, String location) throws FetchException {
        try {
            return from.resolve(new URI(location.strip()));
        } catch (URISyntaxException e) {
            throw new FetchException(
                    FetchException.Reason.MALFORMED, from + " redirected to an invalid URL: " + location);
        }
    }

    /**
     * An ActivityPub document: JSON content type, and an id on the origin it was finally fetched
     * from, so a server can only speak for its own objects.
     */
    public JsonNode getActivityJson(URI uri) throws FetchException {
        var fetched = get(uri, ACTIVITY_ACCEPT);
        var node = parseJson(fetched);
        var id = node.path("id").asText("");
        URI idUri;
        try {
            idUri = new URI(id);
        } catch (URISyntaxException e) {
            idUri = null;
        }
        if (idUri == null || !idUri.isAbsolute() || idUri.getHost() == null) {
            throw new FetchException(
                    FetchException.Reason.MALFORMED,
                    "the document at " + fetched.uri() + " has no absolute id" + (id.isEmpty() ? "" : ": " + id));
        }
        if (!sameOrigin(idUri, fetched.uri())) {
            throw new FetchException(
                    FetchException.Reason.ORIGIN_MISMATCH,
                    "the document fetched from " + fetched.uri() + " claims the id " + id + " on another origin");
        }
        return node;
    }

    /** JSON from a well-known endpoint (WebFinger, NodeInfo), which has no id to check. */
    public JsonNode getJson(URI uri, String accept) throws FetchException {
        return parseJson(get(uri, accept));
    }

    private JsonNode parseJson(Fetched fetched) throws FetchException {
        var type = fetched.contentType().toLowerCase(Locale.ROOT);
        if (!(type.equals("application/json") || type.endsWith("+json"))) {
            throw new FetchException(
                    FetchException.Reason.NOT_JSON,
                    "expected JSON from " + fetched.uri() + ", got " + (type.isEmpty() ? "no content type" : type));
        }
        try {
            var node = json.readTree(fetched.body());
            if (node == null || !node.isObject()) {
                throw new FetchException(
                        FetchException.Reason.MALFORMED, fetched.uri() + " did not answer a JSON object");
            }
            // Fetched documents become rows too (actors, posts): NUL and lone surrogates are taken out, as in the
            // inbox.
            return StorableText.storable(node);
        } catch (StreamConstraintsException e) {
            // Too deep, too long: said plainly, so an admin reading the reason knows it was refused, not broken.
            throw new FetchException(
                    FetchException.Reason.MALFORMED,
                    fetched.uri() + " answered JSON beyond our limits: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FetchException(FetchException.Reason.MALFORMED, fetched.uri() + " answered malformed JSON");
        }
    }

    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        if (u.getPort() != -1) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private void checkScheme(URI uri) throws FetchException {
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || (allowHttp && scheme.equals("http"))) {
            if (uri.getHost() == null) throw new FetchException(FetchException.Reason.MALFORMED, uri + " has no host");
            return;
        }
        throw new FetchException(
                FetchException.Reason.REFUSED_SCHEME,
                "refused to fetch " + uri + ": only https" + (allowHttp ? " and http are" : " is") + " allowed");
    }

    private ContentResponse send(URI uri, String accept, long deadline, int maxBytes) throws FetchException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
            throw new FetchException(
                    FetchException.Reason.TIMEOUT, uri + " was not reached within " + limits.timeout());
        }
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Accept", List.of(accept));
        var request = client.newRequest(uri)
                .method("GET")
                .timeout(remaining, TimeUnit.MILLISECONDS)
                .agent(userAgent);
        var sign = signing;
        Map<String, String> added = sign == null ? Map.of() : sign.sign("GET", uri, headers, new byte[0]);
        request.headers(h -> {
            h.put(HttpHeader.ACCEPT, accept);
            added.forEach(h::put);
        });
        try {
            // Jetty's own timeout ends the request; waiting a little longer only guards against it not firing.
            return new CompletableResponseListener(request, maxBytes)
                    .send()
                    .get(remaining + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new FetchException(FetchException.Reason.UNREACHABLE, "interrupted while fetching " + uri);
        } catch (TimeoutException e) {
            request.abort(e);
            throw new FetchException(FetchException.Reason.TIMEOUT, uri + " did not answer within " + limits.timeout());
        } catch (ExecutionException e) {
            throw translate(uri, e.getCause(), maxBytes);
        }
    }

    private FetchException translate(URI uri, Throwable cause, int maxBytes) {
        for (var t = cause; t != null; t = t.getCause()) {
            if (t instanceof CheckedAddressResolver.RefusedAddressException r)
                return new FetchException(FetchException.Reason.REFUSED_ADDRESS, r.getMessage());
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return new FetchException(
                        FetchException.Reason.TIMEOUT, uri + " did not answer within " + limits.timeout());
            }
            if (t.getMessage() != null && t.getMessage().contains("Buffering capacity")) {
                return new FetchException(
                        FetchException.Reason.TOO_LARGE, uri + " sent more than " + maxBytes + " bytes");
            }
            if (t instanceof UnknownHostException)
                return new FetchException(FetchException.Reason.UNREACHABLE, "unknown host in " + uri);
        }
        // The exception's name only: connection errors can carry the resolved address, which no log keeps.
        return new FetchException(
                FetchException.Reason.UNREACHABLE,
                "could not fetch " + uri + ": "
                        + (cause == null ? "no answer" : cause.getClass().getSimpleName()));
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // Stopping a client that is going away anyway; nothing to recover.
        }
    }
}
