package app.kindred.web.pages;

import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.content.HtmlSanitizer;
import app.kindred.content.Markdown;
import app.kindred.media.PostImages;
import app.kindred.thread.Discussions;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.PostCard;
import java.time.Instant;
import java.util.List;

/** Turns what the features return into what the templates show. */
final class Cards {
    private static final Markdown MARKDOWN = new Markdown();

    private Cards() {}

    static CommunityCard community(CommunityService.Listing listing, Instant lastPost) {
        return community(listing, lastPost, true);
    }

    /**
     * A community's name and place only, for pages about something in it (a thread, a reply, a
     * deletion), which never show its counts: one query instead of three, and no Markdown rendered.
     */
    static CommunityCard communityName(Community c) {
        return new CommunityCard(
                c.name(),
                c.title(),
                "",
                "!" + c.name() + "@" + c.actor().domain(),
                href(c),
                c.actor().local(),
                c.sensitive(),
                0,
                0,
                null);
    }

    private static CommunityCard community(CommunityService.Listing listing, Instant lastPost, boolean description) {
        var c = listing.community();
        return new CommunityCard(
                c.name(),
                c.title(),
                description ? MARKDOWN.toHtml(c.description()) : "",
                "!" + c.name() + "@" + c.actor().domain(),
                href(c),
                c.actor().local(),
                c.sensitive(),
                listing.followers(),
                listing.threads(),
                lastPost);
    }

    /** Our page of a community: /c/name for ours, /r/name@host for one elsewhere (what this instance knows of it). */
    static String href(Community c) {
        return c.actor().local() ? "/c/" + c.name() : RemoteCommunityPages.path(c);
    }

    static PostCard post(Discussions.Entry e, Long viewerActorId, List<PostCard> replies, PostMedia media) {
        return post(e, viewerActorId, replies, media, false);
    }

    /**
     * {@code moderator}: the reader moderates the post's community, so a removed (not deleted) post is
     * shown to them, marked removed with its reason, where others see only that it was removed.
     */
    static PostCard post(
            Discussions.Entry e, Long viewerActorId, List<PostCard> replies, PostMedia media, boolean moderator) {
        var p = e.post();
        var a = e.author();
        boolean revealed = moderator && p.removed() && !p.deleted();
        boolean gone = p.deleted() || p.removed() && !revealed;
        // Stored HTML was sanitised on arrival; remote HTML passes the sanitiser again on the way out, so a
        // post stored before a sanitiser fix cannot reach a reader unsafely.
        var body = gone ? "" : p.local() ? p.contentHtml() : HtmlSanitizer.sanitize(p.contentHtml());
        // A warning the community's moderators added goes beside the author's own, never instead of it.
        var warning = gone
                ? null
                : p.communityWarning() == null
                        ? p.summary()
                        : p.summary() == null ? p.communityWarning() : p.summary() + "; " + p.communityWarning();
        var author = gone || a == null ? null : a.name();
        var handle = gone || a == null ? null : a.handle();
        var authorHref = gone || a == null ? null : a.local() ? "/u/" + a.name() : null;
        var origin = gone || a == null || a.local() ? null : a.domain();
        // Issue 17: an anonymous post shows its pseudonym, linked nowhere; who wrote it only to whom may know.
        var anonymous = e.anonymous();
        if (anonymous != null && !gone) {
            author = anonymous.pseudonym();
            handle = anonymous.pseudonym();
            authorHref = null;
        }
        boolean mine =
                viewerActorId != null && (viewerActorId == p.authorId() || anonymous != null && anonymous.yours());
        var original = p.local() || gone
                ? null
                : p.url() != null && p.url().startsWith("http")
                        ? p.url()
                        : p.uri().toString();
        return new PostCard(
                p.id(),
                p.threadId(),
                p.parentId(),
                p.removed() && !revealed ? null : p.title(),
                body,
                warning,
                !gone && p.sensitive(),
                author,
                handle,
                authorHref,
                origin,
                p.local(),
                p.published(),
                p.updated(),
                e.score().total(),
                e.comments(),
                e.myVote(),
                p.pinned(),
                p.locked(),
                p.deleted(),
                p.removed(),
                mine && !gone,
                p.language(),
                original,
                gone ? null : PostImages.link(p.url()),
                gone ? null : PostImages.host(p.url()),
                gone ? List.of() : media.images().images(p.extras(), p.url()),
                gone || a == null ? null : media.avatar(a),
                replies == null ? List.of() : replies,
                null,
                p.held(),
                // The author learns why their post was removed; others see only that it was.
                p.removed() && (revealed || mine) ? p.removalReason() : null,
                revealed,
                anonymous == null ? null : anonymous.yours() ? "yours" : anonymous.writtenBy());
    }
}
