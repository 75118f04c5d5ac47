package app.kindred.care;

import app.kindred.refusal.Refusal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Somewhere to turn now: a helpline, a text line, a service. Plain text only; {@code contact} is
 * how to reach it (a number, an address, a web address), shown as written.
 */
public record CrisisResource(String name, String contact, String hours, String region, String language) {
    public static final int MAX = 30, MAX_FIELD = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The API's list: every resource needs a name and a way to reach it. */
    public static List<CrisisResource> parse(JsonNode json) {
        var field = "resources";
        var list = json != null && json.isObject() ? json.path("resources") : json;
        if (list == null || !list.isArray())
            throw Refusal.invalid(
                    field, "send {\"resources\": [{\"name\", \"contact\", \"hours\", \"region\", \"language\"}]}");
        if (list.size() > MAX) throw Refusal.invalid(field, "at most " + MAX + " resources");
        var out = new ArrayList<CrisisResource>();
        for (var r : list) {
            var resource = new CrisisResource(
                    text(r, "name"), text(r, "contact"), text(r, "hours"), text(r, "region"), text(r, "language"));
            if (resource.name().isEmpty()) throw Refusal.invalid(field, "each resource needs a name");
            if (resource.contact().isEmpty())
                throw Refusal.invalid(field, resource.name() + " needs a way to reach it (contact)");
            out.add(resource);
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode r, String key) {
        var v = r.path(key);
        if (!v.isMissingNode() && !v.isNull() && !v.isTextual())
            throw Refusal.invalid("resources", key + " must be text");
        var s = v.asText("").strip();
        if (s.length() > MAX_FIELD)
            throw Refusal.invalid("resources", key + " must be at most " + MAX_FIELD + " characters");
        return s;
    }

    /** From storage or a remote Group: what cannot be read is left out. */
    public static List<CrisisResource> read(JsonNode list) {
        var out = new ArrayList<CrisisResource>();
        if (list == null || !list.isArray()) return out;
        for (var r : list) {
            if (out.size() == MAX) break;
            var name = cut(r.path("name").asText(""));
            var contact = cut(r.path("contact").asText(""));
            if (name.isEmpty() || contact.isEmpty()) continue;
            out.add(new CrisisResource(
                    name,
                    contact,
                    cut(r.path("hours").asText("")),
                    cut(r.path("region").asText("")),
                    cut(r.path("language").asText(""))));
        }
        return List.copyOf(out);
    }

    public static ArrayNode toJson(List<CrisisResource> resources) {
        var out = JSON.createArrayNode();
        for (var r : resources) {
            out.addObject()
                    .put("name", r.name())
                    .put("contact", r.contact())
                    .put("hours", r.hours())
                    .put("region", r.region())
                    .put("language", r.language());
        }
        return out;
    }

    private static String cut(String s) {
        s = s.strip();
        return s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }
}
