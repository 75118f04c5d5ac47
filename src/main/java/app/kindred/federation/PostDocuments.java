package app.kindred.federation;

import app.kindred.activitypub.Attachment;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.Image;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.LanguageTag;
import app.kindred.activitypub.Link;
import app.kindred.activitypub.MediaDocument;
import app.kindred.activitypub.ObjectType;
import app.kindred.activitypub.Source;
import app.kindred.activitypub.Tag;
import app.kindred.activitypub.Tombstone;
import app.kindred.content.HtmlSanitizer;
import app.kindred.thread.Post;
import app.kindred.thread.PostLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.nodes.Entities;
import org.jsoup.parser.Parser;

/** Threads and comments both ways between the wire (Page, Article, Note) and our posts. */
public final class PostDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE_END = Pattern.compile("<br\\s*/?>|</p>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern LEADING_MENTIONS = Pattern.compile("^(\\s*[@!]\\S+\\s*)+");

    /** What a remote object says, cleaned: sanitised HTML, a title for threads, extras kept as JSON. */
    public record Incoming(
            String apType,
            String title,
            String contentHtml,
            String summary,
            boolean sensitive,
            String language,
            String url,
            String extras) {
        /** The same post with its attachments and link left out. */
        public Incoming withoutMedia() {
            try {
                var node = (ObjectNode) JSON.readTree(extras);
                node.putArray("attachments");
                node.remove("thumbnail");
                return new Incoming(apType, title, contentHtml, summary, sensitive, language, null, node.toString());
            } catch (IOException e) {
                throw new IllegalStateException("extras we built did not parse", e);
            }
        }
    }

    public static Incoming read(ContentObject object, boolean isThread) {
        var html = HtmlSanitizer.sanitize(content(object));
        var title = isThread ? title(object, html) : null;
        var languages = object.languages();
        var warning = contentWarning(object);
        return new Incoming(
                object.type().name(),
                title,
                html,
                warning,
                Boolean.TRUE.equals(object.sensitive()) || warning != null,
                languages.isEmpty() ? null : languages.getFirst(),
                linkUrl(object),
                extras(object));
    }

    /** The HTML a post's content is read from: its content, else the first of its content map. */
    private static String content(ContentObject object) {
        return object.content() != null
                ? object.content()
                : object.contentMap() == null || object.contentMap().isEmpty()
                        ? ""
                        : object.contentMap().values().iterator().next();
    }

    /** The content {@link #read} cleaned into {@code read}, for a relay of the same object (see {@link Cleaned}). */
    public static Cleaned cleanedContent(ContentObject object, Incoming read) {
        return new Cleaned(content(object), read.contentHtml());
    }

    /**
     * A Note's summary is its content warning (Mastodon's form). On a Page or Article it is an
     * abstract, which NodeBB and WordPress fill with a teaser of the post, so it warns only when the
     * object is marked sensitive.
     */
    static String contentWarning(ContentObject object) {
        // The summary is HTML on the wire; a content warning is plain text here, escaped again when it goes out.
        var summary = blankToNull(HtmlSanitizer.toText(object.summary()));
        if (summary == null) return null;
        // Clipped like a title: the same limit as ours (docs/federation.md), and a warning stays readable when cut.
        return object.type() == ObjectType.Note || Boolean.TRUE.equals(object.sensitive())
                ? PostLimits.clip(summary, PostLimits.WARNING)
                : null;
    }

    /**
     * Lemmy and Mbin send a name; a Mastodon thread has none, so its title is its content warning
     * (summary) or its first line.
     */
    static String title(ContentObject object, String html) {
        if (object.name() != null && !object.name().isBlank())
            return clip(object.name().strip());
        var summary = HtmlSanitizer.toText(object.summary());
        if (!summary.isBlank()) return clip(summary.strip());
        // The HTML is our sanitiser's output (simple tags, escaped text), so taking the tags out leaves
        // its text; a second jsoup parse of every post cost more than the rest of the title.
        var text = Parser.unescapeEntities(
                        TAG.matcher(LINE_END.matcher(html).replaceAll("\n")).replaceAll(""), false)
                .strip();
        // Mastodon threads begin by mentioning the group; that is addressing, not a title.
        text = LEADING_MENTIONS.matcher(text).replaceFirst("").strip();
        var firstLine =
                text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        return firstLine.isEmpty() ? "(untitled)" : clip(firstLine);
    }

    private static String clip(String s) {
        return PostLimits.clip(s, PostLimits.TITLE);
    }

    private static String linkUrl(ContentObject object) {
        for (var a : object.attachment()) if (a instanceof Link l && l.href() != null) return l.href();
        return null;
    }

    private static String extras(ContentObject object) {
        ObjectNode extras = JSON.createObjectNode();
        var hashtags = extras.putArray("hashtags");
        var mentions = extras.putArray("mentions");
        for (var tag : object.tag()) {
            switch (tag) {
                case Tag.Hashtag h -> hashtags.addObject().put("name", h.name()).put("href", h.href());
                case Tag.Mention m -> mentions.addObject().put("name", m.name()).put("href", m.href());
                default -> {}
            }
        }
        // Lemmy's link posts carry a small picture of the page as image; shown through our proxy.
        if (object.image() != null && object.image().url() != null)
            extras.put("thumbnail", object.image().url());
        var attachments = extras.putArray("attachments");
        for (Attachment a : object.attachment()) {
            switch (a) {
                case Link l ->
                    attachments
                            .addObject()
                            .put("type", "Link")
                            .put("href", l.href())
                            .put("name", l.name());
                case Image i ->
                    attachments
                            .addObject()
                            .put("type", "Image")
                            .put("href", i.url())
                            .put("name", i.name())
                            .put("mediaType", i.mediaType());
                case MediaDocument d ->
                    attachments
                            .addObject()
                            .put("type", "Document")
                            .put("href", d.url())
                            .put("name", d.name())
                            .put("mediaType", d.mediaType());
            }
        }
        return extras.toString();
    }

    /** Our post on the wire: threads as Page (Lemmy's form), comments as Note with inReplyTo. */
    public static ContentObject write(Post post, URI author, URI community, URI inReplyTo) {
        return write(post, author, community, inReplyTo, null);
    }

    /**
     * As {@link #write(Post, URI, URI, URI)}; a members-only post of a private community (issue 17) is
     * addressed to the community and its {@code followers} instead of Public (Lemmy's private form).
     */
    public static ContentObject write(Post post, URI author, URI community, URI inReplyTo, URI followers) {
        var isThread = post.isThread();
        var tags = new ArrayList<Tag>();
        var attachments = new ArrayList<Attachment>();
        var images = new ArrayList<Image>();
        try {
            var extras = JSON.readTree(post.extras() == null ? "{}" : post.extras());
            for (JsonNode h : extras.path("hashtags"))
                tags.add(new Tag.Hashtag(
                        h.path("href").asText(null), h.path("name").asText()));
            for (JsonNode m : extras.path("mentions"))
                tags.add(new Tag.Mention(m.path("href").asText(), m.path("name").asText(null)));
            // Uploaded images: Image attachments with the alt text as name, which Mastodon and Lemmy both read.
            for (JsonNode a : extras.path("attachments")) {
                if (a.path("type").asText("").equals("Image") && a.hasNonNull("href")) {
                    images.add(new Image(
                            a.get("href").asText(),
                            a.path("mediaType").asText(null),
                            a.path("name").asText(null)));
                }
            }
        } catch (IOException e) {
            // Extras we wrote ourselves; unreadable means empty.
        }
        // The link first: Lemmy, Mbin and PieFed take the first attachment as a post's URL.
        if (post.url() != null) attachments.add(new Link(post.url(), "text/html", null));
        attachments.addAll(images);
        return new ContentObject(
                post.uri().toString(),
                isThread ? ObjectType.Page : ObjectType.Note,
                List.of(author.toString()),
                isThread ? post.title() : null,
                post.contentHtml(),
                null,
                "text/html",
                post.sourceMarkdown() == null ? null : new Source(post.sourceMarkdown(), "text/markdown"),
                // A content warning is plain text; summary is HTML, so it is escaped (Mastodon and Lemmy show it as
                // text).
                post.summary() == null ? null : Entities.escape(post.summary()),
                post.sensitive(),
                inReplyTo == null ? null : inReplyTo.toString(),
                List.of(community.toString(), followers == null ? JsonLd.PUBLIC : followers.toString()),
                List.of(),
                community.toString(),
                tags,
                attachments,
                // Lemmy's thumbnail of a post.
                images.isEmpty() ? null : Image.of(images.getFirst().url()),
                post.uri().toString(),
                post.language() == null ? null : new LanguageTag(post.language(), null),
                null,
                null,
                null,
                null,
                null,
                null,
                post.published(),
                post.updated());
    }

    /** The HTML fields of a post or comment (ActivityStreams: content, summary and their language maps). */
    private static final List<String> HTML_FIELDS = List.of("content", "summary");
    /** Fields that hold an address: relayed only when it is http(s), never javascript: or data:. */
    private static final Set<String> LINK_FIELDS = Set.of("url", "href", "image", "icon");

    /**
     * A remote object (or the activity carrying it) as our community passes it on: the same JSON
     * with every HTML field sanitised and every address that is not http(s) left out. Everything we
     * publish passes the sanitiser, also what we relay for others.
     */
    public static JsonNode sanitisedForRelay(JsonNode document) {
        return sanitisedForRelay(document, Optional.empty());
    }

    /**
     * What the sanitiser made of one HTML text: {@code clean} is {@code HtmlSanitizer.sanitize(dirty)}.
     * The inbox cleans a post's content to store it; handed to {@link #sanitisedForRelay(JsonNode, Optional)}
     * the same text in the relayed copy is not parsed and cleaned a second time.
     */
    public record Cleaned(String dirty, String clean) {}

    /** As {@link #sanitisedForRelay(JsonNode)}, taking {@code known}'s result wherever its text appears. */
    public static JsonNode sanitisedForRelay(JsonNode document, Optional<Cleaned> known) {
        var copy = document.deepCopy();
        clean(copy, known.orElse(null));
        return copy;
    }

    private static String sanitize(String html, Cleaned known) {
        return known != null && html.equals(known.dirty()) ? known.clean() : HtmlSanitizer.sanitize(html);
    }

    /** Recursion is bounded: the inbox refuses JSON nested more than 64 deep. */
    private static void clean(JsonNode node, Cleaned known) {
        if (node instanceof ArrayNode array) {
            for (var element : array) clean(element, known);
            return;
        }
        if (!(node instanceof ObjectNode object)) return;
        for (var field : HTML_FIELDS) {
            if (object.get(field) instanceof JsonNode value && value.isTextual()) {
                object.put(field, sanitize(value.asText(), known));
            }
            if (object.get(field + "Map") instanceof ObjectNode map) {
                for (var entry : map.properties()) {
                    if (entry.getValue().isTextual())
                        entry.setValue(
                                TextNode.valueOf(sanitize(entry.getValue().asText(), known)));
                }
            }
        }
        var names = new ArrayList<String>();
        object.fieldNames().forEachRemaining(names::add);
        for (var name : names) {
            var value = object.get(name);
            if (LINK_FIELDS.contains(name) && value.isTextual() && !httpOrHash(value.asText())) object.remove(name);
            else if (LINK_FIELDS.contains(name) && value instanceof ArrayNode links) cleanLinks(links, known);
            else if (value.isContainerNode()) clean(value, known);
        }
    }

    private static void cleanLinks(ArrayNode links, Cleaned known) {
        for (int i = links.size() - 1; i >= 0; i--) {
            var element = links.get(i);
            if (element.isTextual() && !httpOrHash(element.asText())) links.remove(i);
            else clean(element, known);
        }
    }

    /** An http(s) address, or a JSON-LD term or blank-node id (no scheme at all) that names nothing to open. */
    private static boolean httpOrHash(String value) {
        var v = value.strip().toLowerCase(Locale.ROOT);
        int colon = v.indexOf(':');
        if (colon < 0) return true;
        return v.startsWith("http://") || v.startsWith("https://") || v.startsWith("as:") || v.startsWith("_:");
    }

    public static Tombstone tombstone(Post post) {
        return new Tombstone(post.uri().toString(), post.isThread() ? "Page" : "Note", post.deletedAt());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
