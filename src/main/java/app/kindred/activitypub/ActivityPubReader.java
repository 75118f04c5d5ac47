package app.kindred.activitypub;

import app.kindred.activitypub.ReadResult.Malformed;
import app.kindred.activitypub.ReadResult.Supported;
import app.kindred.activitypub.ReadResult.Unsupported;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads ActivityPub JSON from any server into the vocabulary's records.
 *
 * <p>Lenient by design: a field may be a string, an object or an array; {@code type} may be an
 * array; {@code @context} and unknown fields are ignored. A document we cannot use is reported
 * as {@link Unsupported} or {@link Malformed}, never thrown.
 */
public final class ActivityPubReader {

    /** Announce{Update{Article}} is three deep; anything past this is not a real document. */
    private static final int MAX_EMBEDDING = 8;

    private final ObjectMapper mapper;

    public ActivityPubReader() {
        this(ActivityPubJson.networkReader());
    }

    public ActivityPubReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ReadResult read(byte[] json) {
        if (json == null) {
            return new Malformed("no body");
        }
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (IOException | RuntimeException e) {
            return new Malformed("not JSON: " + firstLine(e.getMessage()));
        }
        return read(node);
    }

    public ReadResult read(JsonNode node) {
        try {
            return document(node, 0);
        } catch (RuntimeException e) {
            // A bug in a lenient reader must not take the inbox down with it.
            return new Malformed("unreadable document: " + e);
        }
    }

    private ReadResult document(JsonNode node, int depth) {
        if (node == null || !node.isObject()) {
            return new Malformed("not a JSON object");
        }
        if (depth > MAX_EMBEDDING) {
            return new Malformed("objects embedded more than " + MAX_EMBEDDING + " deep");
        }
        List<String> types = texts(node.get("type"));
        if (types.isEmpty()) {
            return new Malformed("no type");
        }
        String id = text(node, "id");
        for (String type : types) {
            ActorType actorType = enumValue(ActorType.class, type);
            if (actorType != null) {
                return withValidId(id, type, () -> actor(node, id, actorType));
            }
            ObjectType objectType = enumValue(ObjectType.class, type);
            if (objectType != null) {
                return withValidId(id, type, () -> new Supported(content(node, id, objectType)));
            }
            if (type.equals("Tombstone")) {
                return withValidId(
                        id,
                        type,
                        () -> new Supported(new Tombstone(
                                id,
                                firstNonNull(text(node, "formerType"), text(node, "former_type")),
                                instant(node, "deleted"))));
            }
            ActivityType activityType = enumValue(ActivityType.class, type);
            if (activityType != null) {
                return withValidId(id, type, () -> activity(node, id, activityType, depth));
            }
            CollectionType collectionType = enumValue(CollectionType.class, type);
            if (collectionType != null) {
                // Pages embedded in a collection's "first" often have no id of their own.
                if (id == null && depth > 0) {
                    return collection(node, null, collectionType, depth);
                }
                return withValidId(id, type, () -> collection(node, id, collectionType, depth));
            }
        }
        return new Unsupported(types.getFirst(), "type " + types.getFirst() + " is not modelled");
    }

    private static ReadResult withValidId(String id, String type, Supplier<ReadResult> reading) {
        if (id == null) {
            return new Malformed(type + " without id");
        }
        if (!isHttpUri(id)) {
            return new Malformed(type + " id is not an absolute http(s) URI: " + id);
        }
        return reading.get();
    }

    private ReadResult actor(JsonNode node, String id, ActorType type) {
        String inbox = uri(node.get("inbox"));
        if (inbox == null || !isHttpUri(inbox)) {
            return new Malformed(type + " " + id + " has no http(s) inbox");
        }
        List<String> attributedTo = uris(node.get("attributedTo"));
        String moderators = uri(node.get("moderators"));
        JsonNode attributed = node.get("attributedTo");
        if (moderators == null && type == ActorType.Group && attributed != null && attributed.isTextual()) {
            // Lemmy names the moderators collection of a community in attributedTo.
            moderators = attributed.asText();
        }
        JsonNode endpoints = node.get("endpoints");
        String sharedInbox = endpoints == null ? null : uri(endpoints.get("sharedInbox"));
        return new Supported(new Actor(
                id,
                type,
                text(node, "preferredUsername"),
                text(node, "name"),
                text(node, "summary"),
                source(node.get("source")),
                inbox,
                uri(node.get("outbox")),
                uri(node.get("followers")),
                uri(node.get("following")),
                uri(node.get("featured")),
                moderators,
                attributedTo,
                sharedInbox == null ? null : new Endpoints(sharedInbox),
                publicKey(node.get("publicKey")),
                multikeys(node.get("assertionMethod")),
                image(node.get("icon")),
                image(node.get("image")),
                url(node.get("url")),
                bool(node, "manuallyApprovesFollowers"),
                bool(node, "discoverable"),
                bool(node, "indexable"),
                bool(node, "postingRestrictedToMods"),
                bool(node, "sensitive"),
                text(node, "matrixUserId"),
                instant(node, "published"),
                instant(node, "updated"),
                rules(node.get("rules")),
                warningPolicy(node.get("contentWarningPolicy")),
                crisisResources(node.get("crisisResources")),
                bool(node, "anonymousPosting"),
                questions(node.get("applicationQuestions")),
                bool(node, "suspended")));
    }

    /** Read leniently: only the questions that are text; anything else in the list is skipped. */
    private static List<String> questions(JsonNode node) {
        if (node == null || !node.isArray()) return List.of();
        var out = new ArrayList<String>();
        for (var item : node)
            if (item.isTextual() && !item.asText().isBlank())
                out.add(item.asText().strip());
        return out;
    }

    /** Read leniently: a policy that cannot be read is no policy, a topic without a name is skipped. */
    private static GroupWarningPolicy warningPolicy(JsonNode node) {
        if (node == null || !node.isObject()) return null;
        var topics = new ArrayList<GroupWarningPolicy.Topic>();
        JsonNode list = node.get("topics");
        if (list != null && list.isArray()) {
            for (JsonNode topic : list) {
                String name = topic.isTextual() ? topic.asText() : text(topic, "name");
                if (name == null || name.isBlank()) continue;
                var words = new ArrayList<String>();
                JsonNode w = topic.get("words");
                if (w != null && w.isArray()) for (JsonNode word : w) if (word.isTextual()) words.add(word.asText());
                topics.add(new GroupWarningPolicy.Topic(name, words));
            }
        }
        return new GroupWarningPolicy(text(node, "mode"), topics);
    }

    private static List<GroupCrisisResource> crisisResources(JsonNode node) {
        var out = new ArrayList<GroupCrisisResource>();
        if (node == null || !node.isArray()) return out;
        for (JsonNode r : node) {
            if (!r.isObject()) continue;
            out.add(new GroupCrisisResource(
                    text(r, "name"), text(r, "contact"), text(r, "hours"), text(r, "region"), text(r, "language")));
        }
        return out;
    }

    private ContentObject content(JsonNode node, String id, ObjectType type) {
        return new ContentObject(
                id,
                type,
                uris(node.get("attributedTo")),
                text(node, "name"),
                text(node, "content"),
                contentMap(node.get("contentMap")),
                text(node, "mediaType"),
                source(node.get("source")),
                text(node, "summary"),
                bool(node, "sensitive"),
                uri(node.get("inReplyTo")),
                uris(node.get("to")),
                uris(node.get("cc")),
                uri(node.get("audience")),
                tags(node.get("tag")),
                attachments(node.get("attachment")),
                image(node.get("image")),
                url(node.get("url")),
                language(node.get("language")),
                uri(node.get("context")),
                bool(node, "stickied"),
                bool(node, "distinguished"),
                bool(node, "commentsEnabled"),
                instant(node, "startTime"),
                instant(node, "endTime"),
                instant(node, "published"),
                instant(node, "updated"));
    }

    private ReadResult activity(JsonNode node, String id, ActivityType type, int depth) {
        String actor = uri(node.get("actor"));
        if (actor == null) {
            return new Malformed(type + " " + id + " has no actor");
        }
        JsonNode object = node.get("object");
        if (object == null || object.isNull() || (object.isArray() && object.isEmpty())) {
            return new Malformed(type + " " + id + " has no object");
        }
        List<Ref> objects = new ArrayList<>();
        for (JsonNode element : elements(object)) {
            if (element.isTextual()) {
                objects.add(Ref.id(element.asText()));
                continue;
            }
            switch (document(element, depth + 1)) {
                case Supported supported -> objects.add(Ref.embedded(supported.document()));
                case Unsupported unsupported -> {
                    // Create{ChatMessage}, Undo{EmojiReact}: the activity is only as usable as its object.
                    return new Unsupported(type.name(), type + " of unsupported object: " + unsupported.reason());
                }
                case Malformed malformed -> {
                    String objectId = text(element, "id");
                    if (objectId == null || !isHttpUri(objectId)) {
                        return new Malformed(type + " " + id + ": object " + malformed.reason());
                    }
                    // A broken embedded copy still names the object; its origin can be asked for it.
                    objects.add(Ref.id(objectId));
                }
            }
        }
        return new Supported(new Activity(
                id,
                type,
                actor,
                objects,
                looseRef(node.get("target"), depth),
                uris(node.get("to")),
                uris(node.get("cc")),
                uri(node.get("audience")),
                text(node, "summary"),
                text(node, "content"),
                tags(node.get("tag")),
                instant(node, "published"),
                firstNonNull(instant(node, "endTime"), instant(node, "expires")),
                bool(node, "removeData")));
    }

    private ReadResult collection(JsonNode node, String id, CollectionType type, int depth) {
        JsonNode members = node.get(type.ordered() ? "orderedItems" : "items");
        if (members == null) {
            // Servers mix the two names up; take whichever is there.
            members = node.get(type.ordered() ? "items" : "orderedItems");
        }
        List<Ref> items = new ArrayList<>();
        for (JsonNode element : elements(members)) {
            Ref item = looseRef(element, depth);
            if (item != null) {
                items.add(item);
            }
        }
        JsonNode total = node.get("totalItems");
        Integer totalItems = total != null && total.canConvertToInt() && !total.isTextual() ? total.asInt() : null;
        return new Supported(new ActivityPubCollection(
                id,
                type,
                totalItems,
                looseRef(node.get("first"), depth),
                uri(node.get("next")),
                uri(node.get("partOf")),
                items));
    }

    /** A reference that degrades to its id when the embedded document is not one we model. */
    private Ref looseRef(JsonNode node, int depth) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return Ref.id(node.asText());
        }
        if (node.isArray()) {
            return node.isEmpty() ? null : looseRef(node.get(0), depth);
        }
        if (document(node, depth + 1) instanceof Supported supported) {
            return Ref.embedded(supported.document());
        }
        String id = text(node, "id");
        return id == null ? null : Ref.id(id);
    }

    private static PublicKey publicKey(JsonNode node) {
        JsonNode key = node != null && node.isArray() ? first(node) : node;
        if (key == null || key.isNull()) {
            return null;
        }
        if (key.isTextual()) {
            return new PublicKey(key.asText(), null, null);
        }
        return new PublicKey(text(key, "id"), uri(key.get("owner")), text(key, "publicKeyPem"));
    }

    private static List<Multikey> multikeys(JsonNode node) {
        List<Multikey> keys = new ArrayList<>();
        for (JsonNode key : elements(node)) {
            if (key.isObject() && texts(key.get("type")).contains("Multikey")) {
                keys.add(new Multikey(text(key, "id"), uri(key.get("controller")), text(key, "publicKeyMultibase")));
            }
        }
        return keys;
    }

    /** Kindred's guidelines: Notes with a name and HTML content; a bare string is taken as a title. */
    private static List<GroupRule> rules(JsonNode node) {
        List<GroupRule> rules = new ArrayList<>();
        JsonNode list = node != null && node.isObject() && node.has("@list") ? node.get("@list") : node;
        for (JsonNode rule : elements(list)) {
            if (rule.isTextual()) {
                rules.add(new GroupRule(ObjectType.Note, rule.asText(), null));
            } else if (rule.isObject()) {
                rules.add(new GroupRule(ObjectType.Note, text(rule, "name"), text(rule, "content")));
            }
        }
        return rules;
    }

    private static Source source(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return new Source(node.asText(), null);
        }
        String content = text(node, "content");
        return content == null ? null : new Source(content, text(node, "mediaType"));
    }

    private static Image image(JsonNode node) {
        JsonNode image = node != null && node.isArray() ? first(node) : node;
        if (image == null || image.isNull()) {
            return null;
        }
        if (image.isTextual()) {
            return Image.of(image.asText());
        }
        String url = url(image.get("url"));
        if (url == null) {
            url = uri(image.get("href"));
        }
        return url == null ? null : new Image(url, text(image, "mediaType"), text(image, "name"));
    }

    private static List<Attachment> attachments(JsonNode node) {
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode element : elements(node)) {
            if (element.isTextual()) {
                attachments.add(new Link(element.asText(), null, null));
                continue;
            }
            List<String> types = texts(element.get("type"));
            String type = types.isEmpty() ? "Link" : types.getFirst();
            String mediaType = text(element, "mediaType");
            String name = text(element, "name");
            String href = firstNonNull(uri(element.get("href")), url(element.get("url")));
            if (href == null) {
                continue;
            }
            switch (type) {
                case "Link" -> attachments.add(new Link(href, mediaType, name));
                case "Image" -> attachments.add(new Image(href, mediaType, name));
                case "Document", "Video", "Audio" -> attachments.add(new MediaDocument(type, href, mediaType, name));
                default -> {
                    // PropertyValue profile fields and the like are not attachments of content.
                }
            }
        }
        return attachments;
    }

    private static List<Tag> tags(JsonNode node) {
        List<Tag> tags = new ArrayList<>();
        for (JsonNode element : elements(node)) {
            if (!element.isObject()) {
                continue;
            }
            List<String> types = texts(element.get("type"));
            String type = types.isEmpty() ? "" : types.getFirst();
            String href = uri(element.get("href"));
            String name = text(element, "name");
            switch (type) {
                case "Mention" -> {
                    if (href != null) {
                        tags.add(new Tag.Mention(href, name));
                    }
                }
                case "Hashtag" -> tags.add(new Tag.Hashtag(href, name));
                case "Emoji" -> tags.add(new Tag.Emoji(text(element, "id"), name, image(element.get("icon"))));
                default -> {
                    // Lemmy's CommunityPostTag, PeerTube's Infohash ... carry nothing we use.
                }
            }
        }
        return tags;
    }

    private static LanguageTag language(JsonNode node) {
        JsonNode language = node != null && node.isArray() ? first(node) : node;
        if (language == null || language.isNull()) {
            return null;
        }
        if (language.isTextual()) {
            return new LanguageTag(language.asText(), null);
        }
        String identifier = text(language, "identifier");
        return identifier == null ? null : new LanguageTag(identifier, text(language, "name"));
    }

    private static Map<String, String> contentMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getValue().isTextual()) {
                    map.put(entry.getKey(), entry.getValue().asText());
                }
            });
        }
        return map;
    }

    /** A page's address: the string, a Link's href, or from a list the HTML link first. */
    private static String url(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject()) {
            return firstNonNull(text(node, "href"), text(node, "url"), text(node, "id"));
        }
        String fallback = null;
        for (JsonNode element : node) {
            String candidate = url(element);
            if (candidate == null) {
                continue;
            }
            String mediaType = element.isObject() ? text(element, "mediaType") : null;
            if (mediaType == null || mediaType.startsWith("text/html")) {
                return candidate;
            }
            if (fallback == null) {
                fallback = candidate;
            }
        }
        return fallback;
    }

    /** The id of a reference: the string itself, an embedded object's id, or the first of a list. */
    static String uri(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText().isBlank() ? null : node.asText();
        }
        if (node.isObject()) {
            return firstNonNull(text(node, "id"), text(node, "href"));
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                String uri = uri(element);
                if (uri != null) {
                    return uri;
                }
            }
        }
        return null;
    }

    static List<String> uris(JsonNode node) {
        List<String> uris = new ArrayList<>();
        for (JsonNode element : elements(node)) {
            String uri = uri(element);
            if (uri != null) {
                uris.add(uri);
            }
        }
        return uris;
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        for (JsonNode element : elements(node)) {
            if (element.isTextual() && !element.asText().isBlank()) {
                texts.add(element.asText());
            }
        }
        return texts;
    }

    private static List<JsonNode> elements(JsonNode node) {
        List<JsonNode> elements = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return elements;
        }
        if (node.isArray()) {
            node.forEach(element -> {
                if (!element.isNull()) {
                    elements.add(element);
                }
            });
        } else {
            elements.add(node);
        }
        return elements;
    }

    private static JsonNode first(JsonNode array) {
        return array.isEmpty() ? null : array.get(0);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual()) {
            String text = value.asText().trim().toLowerCase(Locale.ROOT);
            return text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
        }
        return null;
    }

    /** ISO-8601 with an offset; a time without one is taken as UTC. Unparsable gives null. */
    private static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    static boolean isHttpUri(String text) {
        try {
            // Only scheme and host matter here; WordPress ids carry a second '#' that URI rejects.
            int fragment = text.indexOf('#');
            URI uri = new URI(fragment < 0 ? text : text.substring(0, fragment));
            String scheme = uri.getScheme();
            return uri.isAbsolute()
                    && scheme != null
                    && (scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                    // getHost() is null for names with '_' (another_instance.gnusocial.test): use authority.
                    && uri.getRawAuthority() != null
                    && !uri.getRawAuthority().isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        return null;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
