package app.kindred.delivery;

import app.kindred.federation.signature.SignatureScheme;
import app.kindred.remote.AddressPolicy;
import app.kindred.remote.CheckedAddressResolver;
import app.kindred.remote.RequestSigning;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpHeader;

/**
 * POSTs one signed activity to one inbox. Signs draft-cavage first (what most of the fediverse
 * reads), or RFC 9421 where a host is known to prefer it; when a host answers 400/401 to one form,
 * knocks once more with the other and remembers per host which form worked.
 */
public final class InboxPoster implements AutoCloseable {

    public sealed interface Outcome {}

    public record Delivered(int status) implements Outcome {}

    /** Worth trying again later: 5xx, 408, 429, timeouts, connection errors. */
    public record Retry(int status, String error, Optional<Duration> retryAfter) implements Outcome {}

    /** Will not succeed by trying again: other 4xx, refused addresses. */
    public record Failed(int status, String error, boolean gone) implements Outcome {}

    /** Which signature form a host wants, remembered in the database and in memory. */
    public interface SchemeMemory {
        Optional<SignatureScheme> preferred(String host);

        void remember(String host, SignatureScheme scheme);
    }

    private final HttpClient client;
    private final Duration timeout;
    private final String userAgent;
    private final SchemeMemory memory;
    private final Map<String, SignatureScheme> known = new ConcurrentHashMap<>();

    public InboxPoster(AddressPolicy policy, Duration timeout, int perHost, String userAgent, SchemeMemory memory) {
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.memory = memory;
        this.client = new HttpClient();
        client.setFollowRedirects(false);
        client.setConnectTimeout(Math.min(timeout.toMillis(), 5_000));
        client.setSocketAddressResolver(new CheckedAddressResolver(policy));
        client.setMaxConnectionsPerDestination(perHost);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the delivery HTTP client", e);
        }
        // A 401 is an answer to classify (and double-knock on), not a challenge; start() installs these handlers.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    }

    /** Sends the body to the inbox, signed by the signer for the chosen scheme. */
    public Outcome post(URI inbox, byte[] body, Function<SignatureScheme, RequestSigning> signer) {
        var host = inbox.getRawAuthority().toLowerCase(Locale.ROOT);
        var first = known.computeIfAbsent(host, h -> memory.preferred(h).orElse(SignatureScheme.CAVAGE));
        var attempt = send(inbox, body, signer.apply(first));
        if (attempt.response() != null && (attempt.status() == 400 || attempt.status() == 401)) {
            var other = first == SignatureScheme.CAVAGE ? SignatureScheme.RFC9421 : SignatureScheme.CAVAGE;
            var second = send(inbox, body, signer.apply(other));
            if (second.response() != null && second.status() < 400) {
                known.put(host, other);
                memory.remember(host, other);
            }
            return classify(second);
        }
        return classify(attempt);
    }

    /** A sign-of-life check: any answer below 500 means the host is up. */
    public boolean probe(URI uri) {
        try {
            var response = client.newRequest(uri)
                    .method("GET")
                    .agent(userAgent)
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
            return response.getStatus() < 500;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    private record Attempt(ContentResponse response, String error, boolean timedOut, boolean refused) {
        int status() {
            return response == null ? 0 : response.getStatus();
        }
    }

    private Attempt send(URI inbox, byte[] body, RequestSigning signing) {
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Content-Type", List.of("application/activity+json"));
        var added = signing.sign("POST", inbox, headers, body);
        var request = client.newRequest(inbox)
                .method("POST")
                .agent(userAgent)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/activity+json", body))
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "application/activity+json, application/ld+json");
                    added.forEach((name, value) -> {
                        if (!name.equalsIgnoreCase("Host")) h.put(name, value);
                    });
                });
        try {
            var response = new CompletableResponseListener(request, 64 * 1024)
                    .send()
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return new Attempt(response, null, false, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(null, "interrupted", false, false);
        } catch (TimeoutException e) {
            request.abort(e);
            return new Attempt(null, "no answer within " + timeout, true, false);
        } catch (ExecutionException e) {
            for (var t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof CheckedAddressResolver.RefusedAddressException) {
                    return new Attempt(null, t.getMessage(), false, true);
                }
                if (t instanceof TimeoutException) return new Attempt(null, "no answer within " + timeout, true, false);
            }
            var certificate = certificateProblem(e.getCause());
            // A certificate we refuse is the peer's configuration, not an outage: sending again will not help.
            if (certificate != null) return new Attempt(null, certificate, false, true);
            // The exception's name only: its message can carry the resolved address, and this is logged and stored.
            return new Attempt(
                    null,
                    "connection failed: "
                            + (e.getCause() == null
                                    ? "no answer"
                                    : e.getCause().getClass().getSimpleName()),
                    false,
                    false);
        }
    }

    /**
     * What is wrong with a peer's TLS certificate, when that is why the connection failed; null for
     * any other failure (a reset handshake is an outage like any other). Only our own words: the
     * JDK's messages can carry the address we connected to, and this is logged and stored.
     */
    static String certificateProblem(Throwable failure) {
        boolean handshake = false, untrusted = false, wrongHost = false, expired = false;
        for (var t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException) handshake = true;
            if (t instanceof CertificateExpiredException) expired = true;
            else if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) untrusted = true;
            else if (t instanceof CertificateException) {
                var message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("subject alternative") || message.contains("no name matching")) wrongHost = true;
                else untrusted = true;
            }
        }
        if (!handshake && !expired && !untrusted && !wrongHost) return null;
        if (expired) return "certificate refused: the host's TLS certificate has expired";
        if (wrongHost) return "certificate refused: the host's TLS certificate is for another name";
        if (untrusted)
            return "certificate refused: the host's TLS certificate is not signed by an authority we trust"
                    + " (self-signed or unknown)";
        return null;
    }

    private static Outcome classify(Attempt a) {
        if (a.response() == null) {
            return a.refused() ? new Failed(0, a.error(), false) : new Retry(0, a.error(), Optional.empty());
        }
        int s = a.status();
        if (s >= 200 && s < 300) return new Delivered(s);
        var reason = "HTTP " + s + excerpt(a.response());
        if (s >= 500 || s == 408) return new Retry(s, reason, Optional.empty());
        if (s == 429)
            return new Retry(s, reason, retryAfter(a.response().getHeaders().get(HttpHeader.RETRY_AFTER)));
        return new Failed(s, reason, s == 410);
    }

    private static String excerpt(ContentResponse response) {
        var text = response.getContentAsString();
        if (text == null || text.isBlank()) return "";
        text = text.strip().replaceAll("\\s+", " ");
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }

    /** Retry-After as seconds or as an HTTP date (RFC 9110 section 10.2.3). */
    static Optional<Duration> retryAfter(String value) {
        if (value == null || value.isBlank()) return Optional.empty();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Optional.of(
                        Duration.between(Instant.now(), at).isNegative()
                                ? Duration.ZERO
                                : Duration.between(Instant.now(), at));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // going away anyway
        }
    }
}
