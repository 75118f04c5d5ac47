package app.kindred.federation;

import app.kindred.activitypub.Attachment;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.LanguageTag;
import app.kindred.activitypub.Link;
import app.kindred.activitypub.ObjectType;
import app.kindred.activitypub.Source;
import app.kindred.activitypub.Tag;
import app.kindred.activitypub.Tombstone;
import app.kindred.content.HtmlSanitizer;
import app.kindred.thread.Post;
import app.kindred.thread.PostLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Threads and comments both ways between the wire (Page, Article, Note) and our posts. */
public final class PostDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern LINE_END = java.util.regex.Pattern.compile("<br\\s*/?>|</p>");
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("<[^>]*>");
    private static final java.util.regex.Pattern LEADING_MENTIONS = java.util.regex.Pattern.compile("^(\\s*[@!]\\S+\\s*)+");

    /** What a remote object says, cleaned: sanitised HTML, a title for threads, extras kept as JSON. */
    public record Incoming(String apType, String title, String contentHtml, String summary, boolean sensitive,
                           String language, String url, String extras) {
        /** The same post with its attachments and link left out. */
        public Incoming withoutMedia() {
            try {
                var node = (ObjectNode) JSON.readTree(extras);
                node.putArray("attachments");
                return new Incoming(apType, title, contentHtml, summary, sensitive, language, null, node.toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("extras we built did not parse", e);
            }
        }
    }

    public static Incoming read(ContentObject object, boolean isThread) {
        var html = HtmlSanitizer.sanitize(object.content() != null ? object.content()
                : object.contentMap() == null || object.contentMap().isEmpty() ? "" : object.contentMap().values().iterator().next());
        var title = isThread ? title(object, html) : null;
        var languages = object.languages();
        var warning = contentWarning(object);
        return new Incoming(object.type().name(), title, html, warning,
                Boolean.TRUE.equals(object.sensitive()) || warning != null,
                languages.isEmpty() ? null : languages.getFirst(), linkUrl(object), extras(object));
    }

    /**
     * A Note's summary is its content warning (Mastodon's form). On a Page or Article it is an
     * abstract, which NodeBB and WordPress fill with a teaser of the post, so it warns only when the
     * object is marked sensitive.
     */
    static String contentWarning(ContentObject object) {
        var summary = blankToNull(object.summary());
        if (summary == null) return null;
        // Clipped like a title: the same limit as ours (docs/federation.md), and a warning stays readable when cut.
        return object.type() == ObjectType.Note || Boolean.TRUE.equals(object.sensitive())
                ? PostLimits.clip(summary, PostLimits.WARNING) : null;
    }

    /**
     * Lemmy and Mbin send a name; a Mastodon thread has none, so its title is its content warning
     * (summary) or its first line.
     */
    static String title(ContentObject object, String html) {
        if (object.name() != null && !object.name().isBlank()) return clip(object.name().strip());
        if (object.summary() != null && !object.summary().isBlank()) return clip(object.summary().strip());
        // The HTML is our sanitiser's output (simple tags, escaped text), so taking the tags out leaves
        // its text; a second jsoup parse of every post cost more than the rest of the title.
        var text = org.jsoup.parser.Parser.unescapeEntities(
                TAG.matcher(LINE_END.matcher(html).replaceAll("\n")).replaceAll(""), false).strip();
        // Mastodon threads begin by mentioning the group; that is addressing, not a title.
        text = LEADING_MENTIONS.matcher(text).replaceFirst("").strip();
        var firstLine = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
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
                default -> { }
            }
        }
        var attachments = extras.putArray("attachments");
        for (Attachment a : object.attachment()) {
            switch (a) {
                case Link l -> attachments.addObject().put("type", "Link").put("href", l.href()).put("name", l.name());
                case app.kindred.activitypub.Image i -> attachments.addObject().put("type", "Image").put("href", i.url())
                        .put("name", i.name()).put("mediaType", i.mediaType());
                case app.kindred.activitypub.MediaDocument d -> attachments.addObject().put("type", "Document")
                        .put("href", d.url()).put("name", d.name()).put("mediaType", d.mediaType());
            }
        }
        return extras.toString();
    }

    /** Our post on the wire: threads as Page (Lemmy's form), comments as Note with inReplyTo. */
    public static ContentObject write(Post post, URI author, URI community, URI inReplyTo) {
        var isThread = post.isThread();
        var tags = new ArrayList<Tag>();
        var attachments = new ArrayList<Attachment>();
        try {
            var extras = JSON.readTree(post.extras() == null ? "{}" : post.extras());
            for (JsonNode h : extras.path("hashtags")) tags.add(new Tag.Hashtag(h.path("href").asText(null), h.path("name").asText()));
            for (JsonNode m : extras.path("mentions")) tags.add(new Tag.Mention(m.path("href").asText(), m.path("name").asText(null)));
        } catch (java.io.IOException e) {
            // Extras we wrote ourselves; unreadable means empty.
        }
        if (post.url() != null) attachments.add(new Link(post.url(), null, null));
        return new ContentObject(post.uri().toString(), isThread ? ObjectType.Page : ObjectType.Note, List.of(author.toString()),
                isThread ? post.title() : null, post.contentHtml(), null, "text/html",
                post.sourceMarkdown() == null ? null : new Source(post.sourceMarkdown(), "text/markdown"),
                post.summary(), post.sensitive(), inReplyTo == null ? null : inReplyTo.toString(),
                List.of(community.toString(), JsonLd.PUBLIC), List.of(), community.toString(), tags, attachments, null,
                post.uri().toString(), post.language() == null ? null : new LanguageTag(post.language(), null),
                null, null, null, null, null, null, post.published(), post.updated());
    }

    public static Tombstone tombstone(Post post) {
        return new Tombstone(post.uri().toString(), post.isThread() ? "Page" : "Note", post.deletedAt());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
