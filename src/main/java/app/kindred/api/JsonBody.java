package app.kindred.api;

import app.kindred.activitypub.ActivityPubJson;
import app.kindred.content.StorableText;
import app.kindred.refusal.Refusal;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A request's JSON object, read field by field so a wrong type is refused naming its field (400),
 * before any service runs. Rules about values (length, names) are the services' own (422).
 * Strict where it matters: one document with no trailing data, each key once (other parsers would
 * read "last wins" differently), and only text the database can store (no NUL).
 */
final class JsonBody {
    // The network's one reader: no trailing data, no key twice, and the wire's limits on depth and length.
    private static final ObjectMapper JSON = ActivityPubJson.networkReader();
    private final ObjectNode object;

    private JsonBody(ObjectNode object) {
        this.object = object;
    }

    /** Parses an object with only the named fields; an unknown field is a client's mistake worth telling. */
    static JsonBody parse(String text, Set<String> fields) {
        var node = tree(text);
        if (!(node instanceof ObjectNode object)) throw badRequest(null, "the body must be a JSON object");
        for (var name : (Iterable<String>) object::fieldNames) {
            if (!fields.contains(name)) {
                throw badRequest(
                        StorableText.storable(name),
                        "unknown field " + StorableText.storable(name) + "; expected "
                                + String.join(", ", fields.stream().sorted().toList()));
            }
            if (!StorableText.isStorable(object.get(name))) {
                throw badRequest(name, name + " contains a NUL character or broken Unicode, which cannot be stored");
            }
        }
        return new JsonBody(object);
    }

    /** Any JSON document read as strictly as {@link #parse}; null for an empty body. */
    static JsonNode tree(String text) {
        try {
            return text == null || text.isBlank() ? null : JSON.readTree(text);
        } catch (JacksonException e) {
            throw badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A string, or null when absent or JSON null. */
    String text(String field) {
        var value = object.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isTextual()) throw badRequest(field, field + " must be a string");
        return value.textValue();
    }

    String requiredText(String field) {
        var value = text(field);
        if (value == null) throw Refusal.invalid(field, field + " is required");
        return value;
    }

    Boolean bool(String field) {
        var value = object.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isBoolean()) throw badRequest(field, field + " must be true or false");
        return value.booleanValue();
    }

    int requiredInt(String field) {
        var value = object.get(field);
        if (value == null || value.isNull()) throw Refusal.invalid(field, field + " is required");
        if (!value.isIntegralNumber() || !value.canConvertToInt())
            throw badRequest(field, field + " must be an integer");
        return value.intValue();
    }

    /** A whole number, or null when absent or JSON null (a media id, say). */
    Long id(String field) {
        var value = object.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isIntegralNumber() || !value.canConvertToLong())
            throw badRequest(field, field + " must be a whole number");
        return value.longValue();
    }

    /** A list of whole numbers (ids), empty when absent. */
    List<Long> ids(String field) {
        var value = object.get(field);
        if (value == null || value.isNull()) return List.of();
        if (!value.isArray() || value.size() > 100) throw badRequest(field, field + " must be a list of ids");
        var out = new ArrayList<Long>();
        for (var element : value) {
            if (!element.isIntegralNumber() || !element.canConvertToLong())
                throw badRequest(field, field + " must be a list of ids");
            out.add(element.longValue());
        }
        return out;
    }

    /** A list of strings (at most 100); absent or null: empty. */
    List<String> texts(String field) {
        var value = object.get(field);
        if (value == null || value.isNull()) return List.of();
        if (!value.isArray() || value.size() > 100) throw badRequest(field, field + " must be a list of strings");
        var out = new ArrayList<String>();
        for (var element : value) {
            if (!element.isTextual()) throw badRequest(field, field + " must be a list of strings");
            out.add(element.asText());
        }
        return out;
    }

    /** The names of the fields the body holds. */
    Set<String> fields() {
        var out = new HashSet<String>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    boolean isNull(String field) {
        return object.path(field).isNull();
    }

    boolean has(String field) {
        return object.has(field);
    }

    /** A field as sent, for a value with a shape of its own (a policy, a list of objects); missing node if absent. */
    JsonNode node(String field) {
        return object.path(field);
    }

    static Refusal badRequest(String field, String message) {
        return new Refusal(Refusal.Kind.BAD_REQUEST, field, message);
    }
}
