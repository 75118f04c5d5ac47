package app.kindred.care;

import app.kindred.refusal.Refusal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A community's content-warning policy: none; a warning on every thread; or a list of topics, each
 * of which needs a warning naming it whenever a post touches on it (its name or one of its words
 * appears in the title or text, as a whole word, in any case). The same JSON shape is taken by the
 * API, stored, and published on the Group as {@code contentWarningPolicy}.
 */
public record WarningPolicy(Mode mode, List<Topic> topics) {
    public static final int MAX_TOPICS = 30, MAX_WORDS = 50, MAX_NAME = 100;
    public static final WarningPolicy NONE = new WarningPolicy(Mode.NONE, List.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Mode {
        NONE,
        ALL,
        TOPICS;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A topic that needs a warning naming it.
     *
     * @param name  what the warning must name ("self-harm")
     * @param words other words that suggest the topic ("cutting"); naming one of them in the warning counts too
     */
    public record Topic(String name, List<String> words) {
        /** Whether a text mentions the topic: its name or one of its words, as whole words. */
        boolean mentionedIn(String text) {
            if (text == null || text.isBlank()) return false;
            if (WarningPolicy.mentions(text, name)) return true;
            for (var word : words) if (WarningPolicy.mentions(text, word)) return true;
            return false;
        }
    }

    /** What a post lacks: a sentence for its author, and the warning that would satisfy the policy. */
    public record Breach(String reason, String warningToAdd) {}

    /**
     * What a post lacks under this policy, if anything. "all" asks threads only: Lemmy, Mbin and
     * PieFed have no warning field on comments, so their members could never comply.
     */
    public Optional<Breach> check(boolean thread, String title, String text, String warning) {
        boolean warned = warning != null && !warning.isBlank();
        return switch (mode) {
            case NONE -> Optional.empty();
            case ALL ->
                !thread || warned
                        ? Optional.empty()
                        : Optional.of(new Breach(
                                "every thread in this community needs a content warning; add one that says what the post"
                                        + " is about",
                                "content warning"));
            case TOPICS -> {
                var missing = new ArrayList<String>();
                var written = (title == null ? "" : title) + "\n" + (text == null ? "" : text);
                for (var topic : topics) {
                    if (!topic.mentionedIn(written)) continue;
                    if (warned && topic.mentionedIn(warning)) continue;
                    missing.add(topic.name());
                }
                if (missing.isEmpty()) yield Optional.empty();
                var names = String.join(", ", missing);
                yield Optional.of(new Breach(
                        "this community asks for a content warning naming " + names
                                + " when a post touches on it; add \"" + names + "\" to the content warning",
                        names));
            }
        };
    }

    static boolean mentions(String text, String word) {
        if (word == null || word.isBlank()) return false;
        return Pattern.compile(
                        "(?<![\\p{L}\\p{N}])" + Pattern.quote(word.strip()) + "(?![\\p{L}\\p{N}])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(text)
                .find();
    }

    public ObjectNode toJson() {
        var out = JSON.createObjectNode();
        out.put("mode", mode.wire());
        var list = out.putArray("topics");
        for (var topic : topics) {
            var t = list.addObject();
            t.put("name", topic.name());
            var words = t.putArray("words");
            topic.words().forEach(words::add);
        }
        return out;
    }

    /** From the API: every mistake refused with its field, nothing silently dropped. */
    public static WarningPolicy parse(JsonNode json) {
        String field = "content_warning_policy";
        if (json == null || !json.isObject()) throw Refusal.invalid(field, field + " must be an object with a mode");
        var modeText = json.path("mode").asText("");
        Mode mode;
        try {
            mode = Mode.valueOf(modeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(field, "mode must be none, all or topics");
        }
        var topicsJson = json.path("topics");
        if (!topicsJson.isMissingNode() && !topicsJson.isNull() && !topicsJson.isArray())
            throw Refusal.invalid(field, "topics must be a list of {\"name\", \"words\"}");
        var topics = new ArrayList<Topic>();
        if (topicsJson.isArray()) {
            if (topicsJson.size() > MAX_TOPICS) throw Refusal.invalid(field, "at most " + MAX_TOPICS + " topics");
            for (var t : topicsJson) {
                var name = t.isTextual() ? t.asText() : t.path("name").asText("");
                if (name.isBlank() || name.strip().length() > MAX_NAME)
                    throw Refusal.invalid(field, "each topic needs a name of 1 to " + MAX_NAME + " characters");
                var words = new ArrayList<String>();
                var w = t.path("words");
                if (!w.isMissingNode() && !w.isNull() && !w.isArray())
                    throw Refusal.invalid(field, "words of " + name.strip() + " must be a list");
                if (w.size() > MAX_WORDS)
                    throw Refusal.invalid(field, "at most " + MAX_WORDS + " words for " + name.strip());
                for (var word : w) {
                    if (!word.isTextual()
                            || word.asText().isBlank()
                            || word.asText().length() > MAX_NAME)
                        throw Refusal.invalid(
                                field, "words of " + name.strip() + " must be 1 to " + MAX_NAME + " characters");
                    words.add(word.asText().strip());
                }
                topics.add(new Topic(name.strip(), List.copyOf(words)));
            }
        }
        if (mode == Mode.TOPICS && topics.isEmpty())
            throw Refusal.invalid(field, "mode topics needs at least one topic");
        return new WarningPolicy(mode, mode == Mode.TOPICS ? List.copyOf(topics) : List.of());
    }

    /** From storage or another server's Group: what cannot be read is left out rather than refused. */
    public static WarningPolicy read(JsonNode json) {
        if (json == null || !json.isObject()) return NONE;
        try {
            var mode = Mode.valueOf(json.path("mode").asText("none").toUpperCase(Locale.ROOT));
            var topics = new ArrayList<Topic>();
            for (var t : json.path("topics")) {
                if (topics.size() == MAX_TOPICS) break;
                var name = t.isTextual() ? t.asText() : t.path("name").asText("");
                if (name.isBlank()) continue;
                var words = new ArrayList<String>();
                for (var w : t.path("words"))
                    if (w.isTextual() && !w.asText().isBlank() && words.size() < MAX_WORDS)
                        words.add(cut(w.asText().strip()));
                topics.add(new Topic(cut(name.strip()), List.copyOf(words)));
            }
            if (mode == Mode.TOPICS && topics.isEmpty()) return NONE;
            return new WarningPolicy(mode, mode == Mode.TOPICS ? List.copyOf(topics) : List.of());
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    public static WarningPolicy read(String json) {
        try {
            return read(JSON.readTree(json));
        } catch (java.io.IOException e) {
            return NONE;
        }
    }

    private static String cut(String s) {
        return s.length() <= MAX_NAME ? s : s.substring(0, MAX_NAME);
    }
}
