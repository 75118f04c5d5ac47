package app.kindred.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Text PostgreSQL can store. It refuses the NUL character in text and jsonb, and a lone half of a
 * surrogate pair has no UTF-8 form (jsonb refuses its escape). JSON may carry both, so every door
 * that reads JSON checks here: the API refuses such text, the inbox and fetches clean it.
 */
public final class StorableText {
    private StorableText() {}

    public static boolean isStorable(String s) {
        if (s == null) return true;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == 0) return false;
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
                else return false;
            } else if (Character.isLowSurrogate(ch)) {
                return false;
            }
        }
        return true;
    }

    /** The text without NUL characters, with each lone surrogate replaced by U+FFFD. */
    public static String storable(String s) {
        if (isStorable(s)) return s;
        var out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == 0) continue;
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(ch).append(s.charAt(++i));
            } else if (Character.isSurrogate(ch)) {
                out.append('\uFFFD');
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** Whether every string and field name in the tree is storable. */
    public static boolean isStorable(JsonNode node) {
        if (node == null) return true;
        if (node.isTextual()) return isStorable(node.textValue());
        if (node.isObject()) {
            for (var field : node.properties()) {
                if (!isStorable(field.getKey()) || !isStorable(field.getValue())) return false;
            }
        } else if (node.isArray()) {
            for (var item : node) if (!isStorable(item)) return false;
        }
        return true;
    }

    /** The same tree when it is storable, otherwise a copy with every string and field name cleaned. */
    public static JsonNode storable(JsonNode node) {
        if (isStorable(node)) return node;
        return cleaned(node);
    }

    private static JsonNode cleaned(JsonNode node) {
        var factory = JsonNodeFactory.instance;
        if (node.isTextual()) return factory.textNode(storable(node.textValue()));
        if (node.isObject()) {
            ObjectNode copy = factory.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties())
                copy.set(storable(field.getKey()), cleaned(field.getValue()));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = factory.arrayNode();
            for (var item : node) copy.add(cleaned(item));
            return copy;
        }
        return node;
    }
}
