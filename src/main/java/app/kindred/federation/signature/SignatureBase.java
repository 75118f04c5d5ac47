package app.kindred.federation.signature;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the RFC 9421 section 2.5 signature base of a request. */
public final class SignatureBase {

    private SignatureBase() {}

    /**
     * The signature base for the covered components and parameters of one signature: a line per component, then the
     * {@code "@signature-params"} line holding the serialised inner list.
     *
     * @throws StructuredFields.MalformedFieldException when a component is absent, unknown or badly formed
     */
    public static String forRequest(HttpRequestParts request, StructuredFields.InnerList signatureParams) {
        StringBuilder base = new StringBuilder();
        List<String> seen = new ArrayList<>();
        for (StructuredFields.Item component : signatureParams.items()) {
            String identifier = StructuredFields.serialize(component);
            if (seen.contains(identifier)) {
                throw new StructuredFields.MalformedFieldException("component " + identifier + " is covered twice");
            }
            seen.add(identifier);
            base.append(identifier)
                    .append(": ")
                    .append(componentValue(request, component))
                    .append('\n');
        }
        base.append("\"@signature-params\": ").append(StructuredFields.serialize(signatureParams));
        return base.toString();
    }

    /** The component name of a covered item, e.g. {@code @method} or {@code content-type}. */
    static String componentName(StructuredFields.Item component) {
        if (!(component.value() instanceof StructuredFields.SfString name)) {
            throw new StructuredFields.MalformedFieldException("a covered component must be a string");
        }
        return name.value();
    }

    private static String componentValue(HttpRequestParts request, StructuredFields.Item component) {
        String name = componentName(component);
        Map<String, StructuredFields.BareItem> parameters = component.parameters();
        if (name.equals("@query-param")) {
            if (parameters.size() != 1) {
                throw new StructuredFields.MalformedFieldException("@query-param takes exactly the name parameter");
            }
            String parameter = StructuredFields.parameter(parameters, "name", StructuredFields.SfString.class)
                    .orElseThrow(() -> new StructuredFields.MalformedFieldException("@query-param needs a name"))
                    .value();
            return queryParam(request, parameter);
        }
        if (!parameters.isEmpty()) {
            // sf, key, bs, req and tr change how a value is derived; we do not implement them.
            throw new StructuredFields.MalformedFieldException("unsupported component parameters on " + name);
        }
        if (name.startsWith("@")) {
            return switch (name) {
                case "@method" -> request.method();
                case "@target-uri" -> RequestTarget.targetUri(request);
                case "@authority" -> RequestTarget.authority(request);
                case "@scheme" -> RequestTarget.scheme(request);
                case "@request-target" -> RequestTarget.pathAndQuery(request, true);
                case "@path" -> RequestTarget.path(request);
                case "@query" -> {
                    String query = RequestTarget.query(request);
                    yield "?" + (query == null ? "" : query);
                }
                default -> throw new StructuredFields.MalformedFieldException("unsupported derived component " + name);
            };
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) {
            throw new StructuredFields.MalformedFieldException("field names must be lower case");
        }
        return request.header(name)
                .orElseThrow(
                        () -> new StructuredFields.MalformedFieldException("covered field " + name + " is missing"));
    }

    /** RFC 9421 section 2.2.8: the single decoded value of a named parameter, re-encoded. */
    private static String queryParam(HttpRequestParts request, String wanted) {
        String query = RequestTarget.query(request);
        String found = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (name.equals(wanted)) {
                    if (found != null) {
                        throw new StructuredFields.MalformedFieldException("query parameter " + wanted + " repeats");
                    }
                    found = value;
                }
            }
        }
        if (found == null) {
            throw new StructuredFields.MalformedFieldException("query parameter " + wanted + " is missing");
        }
        return encode(found);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new StructuredFields.MalformedFieldException("bad percent-encoding in the query");
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
