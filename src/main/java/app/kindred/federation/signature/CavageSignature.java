package app.kindred.federation.signature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed draft-cavage-http-signatures-12 {@code Signature} (or {@code Authorization: Signature}) header.
 *
 * @param algorithm lower case, or null when the header names none
 * @param headers   the covered header names in lower case, in signing order
 * @param created   the (created) parameter in epoch seconds, or null
 * @param expires   the (expires) parameter in epoch seconds, or null
 */
public record CavageSignature(
        String keyId, String algorithm, List<String> headers, byte[] signature, Long created, Long expires) {

    // Compiled once: String.matches, split and replaceAll with these would compile them again on every request.
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern EPOCH_SECONDS = Pattern.compile("\\d{1,15}");

    public CavageSignature {
        headers = List.copyOf(headers);
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The cavage header value of a request: Authorization "Signature ..." or a Signature header in cavage form. */
    static Optional<String> headerValue(HttpRequestParts request) {
        Optional<String> authorization = request.header("authorization")
                .filter(v -> v.regionMatches(true, 0, "Signature ", 0, 10))
                .map(v -> v.substring(10));
        if (authorization.isPresent()) {
            return authorization;
        }
        return request.header("signature").filter(v -> v.contains("keyId="));
    }

    /** @throws StructuredFields.MalformedFieldException when the value is not a well-formed cavage signature */
    public static CavageSignature parse(String value) {
        Map<String, String> fields = fields(value);
        String keyId = fields.get("keyId");
        String signatureText = fields.get("signature");
        if (keyId == null || keyId.isBlank()) {
            throw new StructuredFields.MalformedFieldException("cavage signature without keyId");
        }
        if (signatureText == null) {
            throw new StructuredFields.MalformedFieldException("cavage signature without signature");
        }
        byte[] signature;
        try {
            signature =
                    Base64.getDecoder().decode(WHITESPACE.matcher(signatureText).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new StructuredFields.MalformedFieldException("cavage signature is not base64");
        }
        String headerList = fields.get("headers");
        List<String> headers = headerList == null || headerList.isBlank()
                ? List.of("date")
                : Arrays.stream(WHITESPACE.split(headerList.strip()))
                        .map(h -> h.toLowerCase(Locale.ROOT))
                        .toList();
        String algorithm = fields.get("algorithm");
        return new CavageSignature(
                keyId,
                algorithm == null ? null : algorithm.toLowerCase(Locale.ROOT),
                headers,
                signature,
                epochSeconds(fields.get("created")),
                epochSeconds(fields.get("expires")));
    }

    private static Long epochSeconds(String text) {
        if (text == null) {
            return null;
        }
        // The draft allows a decimal expires; the fraction does not matter at our resolution.
        String whole = text.strip();
        int dot = whole.indexOf('.');
        if (dot >= 0) {
            whole = whole.substring(0, dot);
        }
        if (!EPOCH_SECONDS.matcher(whole).matches()) {
            throw new StructuredFields.MalformedFieldException("cavage timestamp is not a number");
        }
        return Long.parseLong(whole);
    }

    private static Map<String, String> fields(String value) {
        if (value == null) {
            throw new StructuredFields.MalformedFieldException("no cavage signature");
        }
        Map<String, String> fields = new HashMap<>();
        int pos = 0;
        int length = value.length();
        while (pos < length) {
            while (pos < length && (value.charAt(pos) == ',' || Character.isWhitespace(value.charAt(pos)))) {
                pos++;
            }
            if (pos >= length) {
                break;
            }
            int eq = value.indexOf('=', pos);
            if (eq < 0) {
                throw new StructuredFields.MalformedFieldException("cavage parameter without '='");
            }
            String name = value.substring(pos, eq).strip();
            if (!PARAMETER_NAME.matcher(name).matches()) {
                throw new StructuredFields.MalformedFieldException("bad cavage parameter name");
            }
            pos = eq + 1;
            while (pos < length && Character.isWhitespace(value.charAt(pos))) {
                pos++;
            }
            String fieldValue;
            if (pos < length && value.charAt(pos) == '"') {
                StringBuilder quoted = new StringBuilder();
                pos++;
                boolean closed = false;
                int run = pos;
                while (pos < length) {
                    char c = value.charAt(pos);
                    if (c == '\\' && pos + 1 < length) {
                        quoted.append(value, run, pos).append(value.charAt(pos + 1));
                        pos += 2;
                        run = pos;
                    } else if (c == '"') {
                        quoted.append(value, run, pos);
                        pos++;
                        closed = true;
                        break;
                    } else {
                        pos++;
                    }
                }
                if (!closed) {
                    throw new StructuredFields.MalformedFieldException("unterminated cavage parameter value");
                }
                fieldValue = quoted.toString();
            } else {
                int end = value.indexOf(',', pos);
                end = end < 0 ? length : end;
                fieldValue = value.substring(pos, end).strip();
                pos = end;
            }
            if (fields.put(name, fieldValue) != null) {
                throw new StructuredFields.MalformedFieldException("duplicate cavage parameter " + name);
            }
        }
        return fields;
    }

    /** The draft's signing string for this signature over a request. */
    public String signingString(HttpRequestParts request, boolean includeQuery) {
        return signingString(request, headers, created, expires, includeQuery);
    }

    /**
     * Builds the signing string of draft-cavage-12 section 2.3: one "name: value" line per covered header.
     *
     * @throws StructuredFields.MalformedFieldException when a covered header or parameter is absent
     */
    public static String signingString(
            HttpRequestParts request, List<String> headers, Long created, Long expires, boolean includeQuery) {
        List<String> lines = new ArrayList<>(headers.size());
        for (String name : headers) {
            String value = switch (name) {
                case "(request-target)" ->
                    request.method().toLowerCase(Locale.ROOT) + " " + RequestTarget.pathAndQuery(request, includeQuery);
                case "(created)" -> required(created, name);
                case "(expires)" -> required(expires, name);
                case "host" -> request.header("host").orElseGet(() -> RequestTarget.authority(request));
                default ->
                    request.header(name)
                            .orElseThrow(() -> new StructuredFields.MalformedFieldException(
                                    "covered header " + name + " is missing"));
            };
            lines.add(name + ": " + value);
        }
        return String.join("\n", lines);
    }

    private static String required(Long value, String name) {
        if (value == null) {
            throw new StructuredFields.MalformedFieldException(name + " is covered but has no value");
        }
        return Long.toString(value);
    }
}
