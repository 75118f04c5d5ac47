package app.kindred.web.pages;

import app.kindred.care.CrisisResource;
import app.kindred.care.WarningPolicy;
import app.kindred.community.Rule;
import app.kindred.media.PostImages;
import app.kindred.web.Messages;
import gg.jte.Content;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One typed record per page, and the parts pages share; the templates in src/main/jte take these. */
public final class Views {
    private Views() {}

    /**
     * What the layout needs on every page: words, title, who is signed in, the form token, the
     * breadcrumb; {@code warningsOpen} is the reader's choice to have content warnings open;
     * {@code notice} says what the form they just sent did (null: nothing to say); {@code unread} how
     * many of their notifications they have not seen (0 when signed out); {@code openReports} how many
     * open reports wait in their moderator's queue (null: they have none, not being a moderator or admin);
     * {@code admin} whether the reader is an instance admin.
     */
    public record Chrome(
            Messages m,
            String title,
            String instanceName,
            String viewer,
            String csrf,
            List<Crumb> crumbs,
            boolean helpInHeader,
            boolean warningsOpen,
            String notice,
            long unread,
            Long openReports,
            // The admins' workspace (admin6): whether the header links to /admin.
            boolean admin) {
        public boolean signedIn() {
            return viewer != null;
        }

        /** "Need help now?" leads to the help page; on a community's pages, to that community's resources too. */
        public String helpHref() {
            if (crumbs.size() > 1 && crumbs.get(1).href().startsWith("/c/"))
                return "/help?c=" + crumbs.get(1).href().substring(3);
            return "/help";
        }
    }

    public record Crumb(String label, String href) {}

    /** A problem with one field (null: the form as a whole), said next to it and in the summary. */
    public record FieldError(String field, String message) {}

    /** What a member typed, kept when the form comes back, and what was wrong with it. */
    public record Form(Map<String, String> values, List<FieldError> errors) {
        public static Form empty() {
            return new Form(Map.of(), List.of());
        }

        public static Form of(Map<String, String> values) {
            return new Form(values, List.of());
        }

        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        public String error(String field) {
            for (var e : errors) if (field.equals(e.field())) return e.message();
            return null;
        }

        public boolean hasErrors() {
            return !errors.isEmpty();
        }

        public Form with(FieldError error) {
            var all = new ArrayList<>(errors);
            all.add(error);
            return new Form(new LinkedHashMap<>(values), List.copyOf(all));
        }
    }

    /** {@code href} is our page of the community: /c/name for a local one, /r/name@host for a remote one. */
    public record CommunityCard(
            String name,
            String title,
            String descriptionHtml,
            String handle,
            String href,
            boolean local,
            boolean sensitive,
            long followers,
            long threads,
            Instant lastPost) {}

    public record Moderator(String name, String handle, String href) {}

    /**
     * A thread or comment as shown: a deleted or removed one keeps its place with no text or author.
     * {@code warning} is the content warning (null: none); {@code replies} the comments under it on this page;
     * {@code collapsed} why this reader does not see it ("blocked" or "muted", see {@link Distance}), null when shown.
     */
    public record PostCard(
            long id,
            Long threadId,
            Long parentId,
            String title,
            String bodyHtml,
            String warning,
            boolean sensitive,
            String author,
            String authorHandle,
            String authorHref,
            String origin,
            boolean local,
            Instant published,
            Instant updated,
            long score,
            long comments,
            int myVote,
            boolean pinned,
            boolean locked,
            boolean deleted,
            boolean removed,
            boolean mine,
            String language,
            String originalUrl,
            String link,
            String linkHost,
            List<PostImages.Shown> images,
            String avatar,
            List<PostCard> replies,
            String collapsed,
            boolean held,
            // The moderators' workspace (mod5): why a moderator removed it, for its author's eyes (null otherwise).
            String removalReason,
            // A removed post shown to the community's moderators, marked removed (modset6).
            boolean revealedToModerator,
            // Issue 17, on an anonymous post: "yours" for its author, the writer's handle for moderators and admins.
            String anonymousNote) {
        /** Our page of it: /p/{id} for ours, /r/p/{id} for one from elsewhere (a comment's leads on to its thread). */
        public String href() {
            return RemotePostPages.path(local, id);
        }

        /** Deleted, removed, or kept from this reader (by a block or mute, {@code collapsed}): no words, no author. */
        public boolean gone() {
            return deleted || removed && !revealedToModerator || collapsed != null;
        }

        /** The same place in the tree with nothing of its author's: {@code why} is "blocked" or "muted". */
        public PostCard collapsedAs(String why) {
            return new PostCard(
                    id, threadId, parentId, null, "", null, false, null, null, null, null, local, published, null,
                    score, comments, 0, pinned, locked, deleted, removed, false, null, null, null, null, List.of(),
                    null, replies, why, false, null, false, null);
        }

        /** The same post behind a warning the reader's own filter gave it (issue 16); its words kept, to open. */
        public PostCard behindWarning(String warning) {
            return new PostCard(
                    id,
                    threadId,
                    parentId,
                    title,
                    bodyHtml,
                    warning,
                    true,
                    author,
                    authorHandle,
                    authorHref,
                    origin,
                    local,
                    published,
                    updated,
                    score,
                    comments,
                    myVote,
                    pinned,
                    locked,
                    deleted,
                    removed,
                    mine,
                    language,
                    originalUrl,
                    link,
                    linkHost,
                    images,
                    avatar,
                    replies,
                    collapsed,
                    held,
                    removalReason,
                    revealedToModerator,
                    anonymousNote);
        }
    }

    public record FrontPage(
            String instanceName, String domain, boolean registrationsOpen, List<CommunityCard> communities) {}

    /**
     * {@code question} is the instance's question when sign-up is by application (null when open);
     * {@code description} and {@code rules} the instance's own words (empty when none).
     */
    public record SignupPage(boolean open, Form form, String question, String description, List<String> rules) {}

    public record LoginPage(Form form, String next) {}

    /** {@code address} is the community's ActivityPub id: what a member elsewhere pastes to follow it. */
    public record CommunityPage(
            CommunityCard community,
            String address,
            List<Rule> rules,
            List<Moderator> moderators,
            List<PostCard> threads,
            String sort,
            int page,
            boolean hasNext,
            boolean following,
            boolean signedIn,
            boolean mayStart,
            String icon,
            String banner,
            // Issue 17: a private community is joined by applying (/c/{name}/join), not by a Follow button.
            boolean isPrivate) {}

    /** {@code commentsHtml}: the {@code comments} as rendered, shared by readers who see them alike (RenderedComments). */
    public record ThreadPage(
            CommunityCard community,
            PostCard thread,
            List<PostCard> comments,
            Content commentsHtml,
            int page,
            int pages,
            boolean signedIn,
            boolean mayReply,
            Form reply) {}

    /**
     * The composer, for a new thread, a reply or an edit. {@code action} is where the form posts;
     * {@code preview} the server-rendered preview (null: none asked for).
     */
    public record ComposePage(
            String kind,
            String heading,
            String action,
            CommunityCard community,
            List<Rule> rules,
            PostCard replyingTo,
            boolean withTitle,
            Form form,
            String preview,
            WarningPolicy warningPolicy,
            List<ComposerImages.Slot> images,
            // Issue 17: the community takes anonymous posts, so the composer offers the choice.
            boolean anonymousOffered) {}

    public record DeletePage(PostCard post, CommunityCard community) {}

    public record MemberPage(
            String name,
            String handle,
            String address,
            Instant joined,
            boolean local,
            List<PostCard> posts,
            int page,
            boolean hasNext,
            String avatar,
            // Suspended by the admins (issue 15): said plainly, and nothing of the profile or posts shown.
            boolean suspended) {}

    /**
     * Where to turn now: the instance's crisis resources and, reached from a community's pages, that
     * community's own (its Group's, for a remote one); {@code community} null when none was named.
     */
    public record HelpPage(
            String instanceName,
            List<CrisisResource> instanceResources,
            String community,
            List<CrisisResource> communityResources) {}

    public record ErrorPage(int status, String heading, String detail) {}
}
