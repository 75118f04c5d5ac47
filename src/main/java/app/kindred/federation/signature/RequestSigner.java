package app.kindred.federation.signature;

import app.kindred.federation.signature.StructuredFields.InnerList;
import app.kindred.federation.signature.StructuredFields.Item;
import app.kindred.federation.signature.StructuredFields.SfInteger;
import app.kindred.federation.signature.StructuredFields.SfString;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Signs outgoing requests. Returns the headers to add (Host, Date, Digest, Content-Digest and the signature headers)
 * and leaves the caller's objects untouched.
 */
public final class RequestSigner {

    /** The label we give our RFC 9421 signature. */
    public static final String LABEL = "sig1";

    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    /** IMF-fixdate (RFC 9110): the JDK's RFC 1123 formatter would drop the day's leading zero. */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private final Clock clock;

    public RequestSigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * Signs with the scheme's usual algorithm: cavage uses rsa-sha256 for RSA keys and hs2019 otherwise; RFC 9421 uses
     * rsa-v1_5-sha256, ed25519 or ecdsa-p256-sha256 by key type.
     */
    public Map<String, String> sign(
            String method,
            URI uri,
            Map<String, List<String>> headers,
            byte[] body,
            String keyId,
            SigningKey key,
            SignatureScheme scheme) {
        return switch (scheme) {
            case CAVAGE ->
                signCavage(
                        method,
                        uri,
                        headers,
                        body,
                        keyId,
                        key,
                        key instanceof SigningKey.RsaSigningKey ? "rsa-sha256" : "hs2019");
            case RFC9421 -> signRfc9421(method, uri, headers, body, keyId, key);
        };
    }

    /**
     * Signs the cavage way with a named algorithm: {@code rsa-sha256} (RSA keys), {@code hs2019} (any key) or
     * {@code ed25519}. POST covers {@code (request-target) host date digest content-type}, GET covers
     * {@code (request-target) host date accept}; content-type and accept only when the caller sets them.
     */
    public Map<String, String> signCavage(
            String method,
            URI uri,
            Map<String, List<String>> headers,
            byte[] body,
            String keyId,
            SigningKey key,
            String algorithmName) {
        SignatureAlgorithm algorithm = switch (algorithmName) {
            case "rsa-sha256" -> SignatureAlgorithm.RSA_V1_5_SHA256;
            case "ed25519" -> SignatureAlgorithm.ED25519;
            case "hs2019" -> SignatureAlgorithm.defaultFor(key);
            default -> throw new IllegalArgumentException("unsupported cavage algorithm " + algorithmName);
        };
        requireQuotable(keyId);
        Map<String, String> added = baseHeaders(method, uri, body);
        HttpRequestParts request = merged(method, uri, headers, added, body);
        List<String> covered = new ArrayList<>(List.of("(request-target)", "host", "date"));
        if (added.containsKey("Digest")) {
            covered.add("digest");
            if (request.hasHeader("content-type")) {
                covered.add("content-type");
            }
        } else if (request.hasHeader("accept")) {
            covered.add("accept");
        }
        String signingString = CavageSignature.signingString(request, covered, null, null, true);
        byte[] signature = algorithm.sign(key, signingString.getBytes(StandardCharsets.UTF_8));
        added.put(
                "Signature",
                "keyId=\"" + keyId + "\",algorithm=\"" + algorithmName + "\",headers=\"" + String.join(" ", covered)
                        + "\",signature=\"" + Base64.getEncoder().encodeToString(signature) + "\"");
        return Collections.unmodifiableMap(added);
    }

    /**
     * Signs the RFC 9421 way. POST covers {@code ("@method" "@target-uri" "content-digest" "content-type")}, GET covers
     * {@code ("@method" "@target-uri")}; parameters are created, keyid and alg.
     */
    public Map<String, String> signRfc9421(
            String method, URI uri, Map<String, List<String>> headers, byte[] body, String keyId, SigningKey key) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.defaultFor(key);
        Map<String, String> added = baseHeaders(method, uri, body);
        HttpRequestParts request = merged(method, uri, headers, added, body);
        List<Item> components = new ArrayList<>(List.of(component("@method"), component("@target-uri")));
        if (added.containsKey("Content-Digest")) {
            components.add(component("content-digest"));
            if (request.hasHeader("content-type")) {
                components.add(component("content-type"));
            }
        }
        Map<String, StructuredFields.BareItem> parameters = new LinkedHashMap<>();
        parameters.put("created", new SfInteger(clock.instant().getEpochSecond()));
        parameters.put("keyid", new SfString(keyId));
        parameters.put("alg", new SfString(algorithm.rfc9421Name()));
        InnerList signatureParams = new InnerList(components, parameters);
        String base = SignatureBase.forRequest(request, signatureParams);
        byte[] signature = algorithm.sign(key, base.getBytes(StandardCharsets.UTF_8));
        added.put("Signature-Input", LABEL + "=" + StructuredFields.serialize(signatureParams));
        added.put("Signature", LABEL + "=" + StructuredFields.serializeBare(new StructuredFields.SfBytes(signature)));
        return Collections.unmodifiableMap(added);
    }

    private Map<String, String> baseHeaders(String method, URI uri, byte[] body) {
        Map<String, String> added = new LinkedHashMap<>();
        added.put("Host", RequestTarget.authority(uri));
        added.put("Date", HTTP_DATE.format(clock.instant()));
        byte[] content = body == null ? new byte[0] : body;
        if (content.length > 0 || BODY_METHODS.contains(method.toUpperCase(Locale.ROOT))) {
            added.put("Digest", BodyDigest.digestHeader(content));
            added.put("Content-Digest", BodyDigest.contentDigestHeader(content));
        }
        return added;
    }

    private static HttpRequestParts merged(
            String method, URI uri, Map<String, List<String>> headers, Map<String, String> added, byte[] body) {
        return new HttpRequestParts(method, uri, headers, body).withHeaders(added);
    }

    private static Item component(String name) {
        return Item.of(new SfString(name));
    }

    private static void requireQuotable(String keyId) {
        if (keyId == null || keyId.isEmpty() || keyId.contains("\"") || keyId.contains("\\")) {
            throw new IllegalArgumentException("keyId must be non-empty and free of quotes and backslashes");
        }
    }
}
