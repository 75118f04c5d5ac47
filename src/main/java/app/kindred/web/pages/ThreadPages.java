package app.kindred.web.pages;

import app.kindred.care.Care;
import app.kindred.care.Shown;
import app.kindred.community.CommunityService;
import app.kindred.media.MediaService;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.thread.Discussions;
import app.kindred.thread.Discussions.Entry;
import app.kindred.thread.Post;
import app.kindred.thread.ThreadService;
import app.kindred.web.Messages;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.ComposePage;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.DeletePage;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import app.kindred.web.pages.Views.PostCard;
import app.kindred.web.pages.Views.ThreadPage;
import gg.jte.Content;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The thread page with its comment tree, and replying, editing, deleting and voting. */
public final class ThreadPages {
    private final MediaService media;
    private final ComposerImages images;
    /** Comments per page, counted in reading order; a long thread pages rather than growing without end. */
    public static final int COMMENTS_PER_PAGE = 300;

    private static final Map<String, String> DRAFT_FIELDS = Map.of();

    private final Site site;
    private final ThreadService threads;
    private final Discussions discussions;
    private final CommunityService communities;
    private final Distance distance;
    private final Care care;
    // Whether the reader moderates the thread's community, so removed posts are shown to them (modset6).
    private final ModerationService moderation;

    public ThreadPages(
            Site site,
            ThreadService threads,
            Discussions discussions,
            CommunityService communities,
            MediaService media,
            Distance distance,
            Care care,
            ComposerImages images,
            ModerationService moderation) {
        this.moderation = moderation;
        this.media = media;
        this.distance = distance;
        this.care = care;
        this.images = images;
        this.site = site;
        this.threads = threads;
        this.discussions = discussions;
        this.communities = communities;
    }

    public void register(RoutesConfig routes) {
        RemotePostPages.register(routes, this::show);
        routes.get("/p/{id}/reply", ctx -> {
            site.member(ctx);
            reply(ctx, 200, post(ctx), Form.empty(), null, ComposerImages.empty());
        });
        routes.post("/p/{id}/reply", this::postReply);
        routes.get("/p/{id}/edit", ctx -> {
            var post = own(ctx);
            edit(ctx, 200, post, Form.of(draftValues(post)), null);
        });
        routes.post("/p/{id}/edit", this::saveEdit);
        routes.get("/p/{id}/delete", ctx -> {
            var post = own(ctx);
            var m = site.messages(ctx);
            var card = communityCard(post.communityId());
            site.send(
                    ctx,
                    "delete.jte",
                    site.chrome(
                            ctx,
                            m.t("delete.title"),
                            card.sensitive(),
                            new Crumb(card.title(), card.href()),
                            new Crumb(m.t("delete.title"), "/p/" + post.id() + "/delete")),
                    new DeletePage(card(post), card));
        });
        routes.post("/p/{id}/delete", this::delete);
        routes.post("/p/{id}/vote", this::vote);
        routes.get("/p/{id}/vote", ctx -> {
            // Comments are voted on from their own page (the reply page): a thread of hundreds stays small.
            var post = post(ctx);
            ctx.redirect("/p/" + post.id() + "/reply#votes", HttpStatus.FOUND);
        });
    }

    /** GET /p/{id} for a browser: a thread's page, or for a comment the thread's page at that comment. */
    public void show(Context ctx) {
        if (site.answeredForSignedOut(ctx)) return;
        var post = post(ctx);
        if (!post.isThread()) {
            ctx.redirect(location(ctx, post.threadId(), post.id()), HttpStatus.FOUND);
            return;
        }
        // A thread from elsewhere is read at /r/p/{id}, one of ours at /p/{id} (RemotePostPages).
        if (RemotePostPages.elsewhere(ctx, post.local(), post.id())) return;
        var community = communityCard(post.communityId());
        // A break from this community (or the whole instance) greets the member instead of the thread.
        if (distance.greetOnBreak(ctx, post.communityId(), community)) return;
        var shown = distance.shown(ctx);
        var viewer = site.viewerActorId(ctx);
        var member = site.sessions().member(ctx);
        boolean moderator = member.isPresent()
                && site.kept()
                        .get(
                                () -> moderation.mayModerate(member.get(), post.communityId()),
                                "moderates",
                                member.get().id(),
                                post.communityId());
        boolean signedIn = viewer != null;
        boolean mayReply = signedIn && !post.locked() && !post.deleted() && !post.removed();
        var m = site.messages(ctx);
        boolean warningsOpen = site.warningsOpen(ctx);
        int asked = Site.page(ctx);
        // The page of the thread as this reader sees it, cards and comment tree rendered, kept for them while
        // nothing readable changed (issue 14). It is made of what the key holds (by value: the reader's distance
        // too, so one read before a change can never be kept under a later generation) and of what the supplier
        // reads itself. Building 300 cards and comparing them with the shared tree's key was most of a signed-in
        // page's own work.
        var view = site.keptDiscussions()
                .get(
                        () -> view(post.id(), viewer, shown, moderator, asked, m, warningsOpen, mayReply),
                        "threadView",
                        post.id(),
                        viewer,
                        shown,
                        moderator,
                        asked,
                        m.languages(),
                        warningsOpen,
                        mayReply);
        var thread = view.thread();
        var title = thread.collapsed() != null
                ? m.t("care.collapsed." + thread.collapsed())
                : thread.title() == null ? m.t("thread.removed") : thread.title();
        var chrome = site.chrome(
                ctx,
                title,
                community.sensitive(),
                new Crumb(community.title(), community.href()),
                new Crumb(title, thread.href()));
        site.send(
                ctx,
                "thread.jte",
                chrome,
                new ThreadPage(
                        community,
                        thread,
                        view.comments(),
                        view.commentsHtml(),
                        view.page(),
                        view.pages(),
                        signedIn,
                        mayReply,
                        Form.empty()));
    }

    /** A thread page's own part as one reader sees it: the thread's card and one page of its comment tree. */
    private record View(PostCard thread, List<PostCard> comments, Content commentsHtml, int page, int pages) {}

    private View view(
            long postId,
            Long viewer,
            Shown shown,
            boolean moderator,
            int asked,
            Messages m,
            boolean warningsOpen,
            boolean mayReply) {
        // The thread as this reader may see it (their votes, held posts, "yours"): kept for them while nothing changed.
        var discussion = site.keptDiscussions()
                .get(() -> discussions.discussion(postId, viewer), "discussion", postId, viewer)
                .orElseThrow(() -> Refusal.notFound("there is no thread here"));
        var order = readingOrder(postId, discussion.comments());
        int pages = Math.max(1, (order.size() + COMMENTS_PER_PAGE - 1) / COMMENTS_PER_PAGE);
        int page = Math.min(asked, pages);
        var slice = order.subList((page - 1) * COMMENTS_PER_PAGE, Math.min(order.size(), page * COMMENTS_PER_PAGE));
        var postMedia = new PostMedia(media);
        var thread = Distance.shownAs(
                shown, discussion.thread(), Cards.post(discussion.thread(), viewer, null, postMedia, moderator));
        var comments = tree(postId, slice, viewer, postMedia, shown, moderator);
        var html = site.renderedComments().html(m, warningsOpen, viewer != null, comments, postId, mayReply);
        return new View(thread, comments, html, page, pages);
    }

    /** The comments in the order a reader meets them: each followed by its replies, depth first. */
    static List<Entry> readingOrder(long threadId, List<Entry> comments) {
        var children = new HashMap<Long, List<Entry>>();
        for (var c : comments)
            children.computeIfAbsent(c.post().parentId(), k -> new ArrayList<>())
                    .add(c);
        var out = new ArrayList<Entry>(comments.size());
        var stack = new ArrayList<Entry>();
        var top = children.getOrDefault(threadId, List.of());
        for (int i = top.size() - 1; i >= 0; i--) stack.add(top.get(i));
        while (!stack.isEmpty()) {
            var next = stack.removeLast();
            out.add(next);
            var kids = children.getOrDefault(next.post().id(), List.of());
            for (int i = kids.size() - 1; i >= 0; i--) stack.add(kids.get(i));
        }
        return out;
    }

    /**
     * The nested lists for one page: a comment whose parent is on an earlier page starts a list of its
     * own (its "parent" link leads to the rest).
     */
    private static List<PostCard> tree(
            long threadId, List<Entry> slice, Long viewer, PostMedia media, Shown shown, boolean moderator) {
        Set<Long> here = new HashSet<>();
        for (var e : slice) here.add(e.post().id());
        var children = new LinkedHashMap<Long, List<Entry>>();
        var roots = new ArrayList<Entry>();
        for (var e : slice) {
            var parent = e.post().parentId();
            if (parent == threadId || !here.contains(parent)) roots.add(e);
            else children.computeIfAbsent(parent, k -> new ArrayList<>()).add(e);
        }
        return cards(roots, children, viewer, media, shown, moderator);
    }

    private static List<PostCard> cards(
            List<Entry> entries,
            Map<Long, List<Entry>> children,
            Long viewer,
            PostMedia media,
            Shown shown,
            boolean moderator) {
        var out = new ArrayList<PostCard>(entries.size());
        for (var e : entries) {
            var replies =
                    cards(children.getOrDefault(e.post().id(), List.of()), children, viewer, media, shown, moderator);
            var card = Distance.shownAs(shown, e, Cards.post(e, viewer, replies, media, moderator));
            // A muted member's comment is left out; if others answered it, an empty place keeps their replies in
            // context.
            if (!"muted".equals(card.collapsed()) || !replies.isEmpty()) out.add(card);
        }
        return out;
    }

    /** Where a comment lives: its thread's page that holds it, at its anchor. */
    private String location(Context ctx, long threadId, long commentId) {
        var discussion = discussions
                .discussion(threadId, site.viewerActorId(ctx))
                .orElseThrow(() -> Refusal.notFound("there is no thread here"));
        var order = readingOrder(threadId, discussion.comments());
        int index = 0;
        for (int i = 0; i < order.size(); i++) if (order.get(i).post().id() == commentId) index = i;
        int page = index / COMMENTS_PER_PAGE + 1;
        return RemotePostPages.path(discussion.thread().post().local(), threadId) + (page > 1 ? "?page=" + page : "")
                + "#c" + commentId;
    }

    private void postReply(Context ctx) {
        var parent = post(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        if (!images.prepare(ctx)) {
            reply(
                    ctx,
                    413,
                    parent,
                    Form.empty().with(new FieldError(null, m.t("images.tooMuch"))),
                    null,
                    ComposerImages.empty());
            return;
        }
        var values = Site.fields(ctx, "body", "content_warning", "language", "anonymous");
        values.putAll(Site.fields(ctx, ComposerImages.altFields()));
        if (!site.sessions().csrfValid(ctx)) {
            reply(
                    ctx,
                    403,
                    parent,
                    Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))),
                    null,
                    ComposerImages.empty());
            return;
        }
        var read = images.read(ctx, member, m);
        if (!read.errors().isEmpty()) {
            reply(ctx, 422, parent, new Form(values, read.errors()), null, read.slots());
            return;
        }
        if (ctx.formParam("preview") != null) {
            reply(ctx, 200, parent, Form.of(values), Composer.preview(values.get("body")), read.slots());
            return;
        }
        try {
            var comment = threads.comment(
                    member,
                    parent.id(),
                    new ThreadService.Draft(
                            null, values.get("body"), values.get("content_warning"), null, values.get("language")),
                    new ThreadService.Attachments(null, read.ids()),
                    "on".equals(values.get("anonymous")));
            Site.seeOther(ctx, location(ctx, comment.threadId(), comment.id()));
        } catch (Refusal r) {
            reply(ctx, CommunityPages.status(r), parent, Site.refused(values, r, DRAFT_FIELDS), null, read.slots());
        }
    }

    private void reply(
            Context ctx, int status, Post parent, Form form, String preview, List<ComposerImages.Slot> slots) {
        var m = site.messages(ctx);
        var community = communityCard(parent.communityId());
        var heading = m.t("compose.reply.heading");
        site.send(
                ctx,
                status,
                "compose.jte",
                site.chrome(
                        ctx,
                        heading,
                        community.sensitive(),
                        new Crumb(community.title(), community.href()),
                        new Crumb(heading, "/p/" + parent.id() + "/reply")),
                new ComposePage(
                        "reply",
                        heading,
                        "/p/" + parent.id() + "/reply",
                        community,
                        communities.rules(parent.communityId()),
                        card(ctx, parent),
                        false,
                        form,
                        preview,
                        care.community(parent.communityId()).policy(),
                        slots,
                        community.local() && threads.anonymousPosting(parent.communityId())));
    }

    private void saveEdit(Context ctx) {
        var post = own(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = post.isThread()
                ? Site.fields(ctx, "title", "body", "content_warning")
                : Site.fields(ctx, "body", "content_warning");
        if (!site.sessions().csrfValid(ctx)) {
            edit(ctx, 403, post, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))), null);
            return;
        }
        if (ctx.formParam("preview") != null) {
            edit(ctx, 200, post, Form.of(values), Composer.preview(values.get("body")));
            return;
        }
        try {
            threads.edit(
                    member,
                    post.id(),
                    new ThreadService.Draft(
                            post.isThread() ? values.get("title") : null,
                            values.get("body"),
                            values.get("content_warning"),
                            null,
                            null));
            Site.seeOther(
                    ctx,
                    post.isThread()
                            ? RemotePostPages.path(post.local(), post.id())
                            : location(ctx, post.threadId(), post.id()));
        } catch (Refusal r) {
            edit(ctx, CommunityPages.status(r), post, Site.refused(values, r, DRAFT_FIELDS), null);
        }
    }

    private void edit(Context ctx, int status, Post post, Form form, String preview) {
        var m = site.messages(ctx);
        var community = communityCard(post.communityId());
        var heading = m.t(post.isThread() ? "compose.edit.thread" : "compose.edit.comment");
        site.send(
                ctx,
                status,
                "compose.jte",
                site.chrome(
                        ctx,
                        heading,
                        community.sensitive(),
                        new Crumb(community.title(), community.href()),
                        new Crumb(heading, "/p/" + post.id() + "/edit")),
                new ComposePage(
                        "edit",
                        heading,
                        "/p/" + post.id() + "/edit",
                        community,
                        communities.rules(post.communityId()),
                        null,
                        post.isThread(),
                        form,
                        preview,
                        care.community(post.communityId()).policy(),
                        // An edit takes no new images and keeps how the post was signed.
                        null,
                        false));
    }

    private void delete(Context ctx) {
        var post = own(ctx);
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        threads.delete(member, post.id());
        if (post.isThread()) {
            var community = communityCard(post.communityId());
            Site.seeOther(ctx, community.href() + "?deleted=1");
        } else {
            Site.seeOther(ctx, location(ctx, post.threadId(), post.id()));
        }
    }

    private void vote(Context ctx) {
        var post = post(ctx);
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        int value;
        try {
            value = Integer.parseInt(ctx.formParam("value") == null ? "" : ctx.formParam("value"));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("value", "a vote is 1 (up), -1 (down) or 0 (take it back)");
        }
        threads.vote(member, post.id(), value);
        // A comment voted on from its own page goes back there, where its score and buttons are.
        if ("page".equals(ctx.formParam("back"))) {
            Site.seeOther(ctx, "/p/" + post.id() + "/reply#votes");
            return;
        }
        Site.seeOther(
                ctx,
                post.isThread()
                        ? RemotePostPages.path(post.local(), post.id()) + "#votes"
                        : location(ctx, post.threadId(), post.id()));
    }

    private Post post(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is no post here");
        }
        // Only a post this reader may read (held, or members-only in a private community: issue 17).
        var viewer = site.viewerActorId(ctx);
        return site.kept()
                .get(() -> discussions.readable(id, viewer), "readable", id, viewer)
                .orElseThrow(() -> Refusal.notFound("there is no post here"));
    }

    /** A post the signed-in member wrote and has not deleted. */
    private Post own(Context ctx) {
        var member = site.member(ctx);
        var post = post(ctx);
        if (!threads.wrote(member, post) || post.deleted()) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only the author can edit or delete this post");
        }
        return post;
    }

    private static Map<String, String> draftValues(Post post) {
        var values = new LinkedHashMap<String, String>();
        if (post.isThread()) values.put("title", post.title() == null ? "" : post.title());
        values.put("body", post.sourceMarkdown() == null ? "" : post.sourceMarkdown());
        values.put("content_warning", post.summary() == null ? "" : post.summary());
        return values;
    }

    private PostCard card(Post post) {
        return Cards.post(discussions.entry(post.id(), null).orElseThrow(), null, null, new PostMedia(media));
    }

    /** The post replied to, with the reader's own vote: its page is where a comment is voted on. */
    private PostCard card(Context ctx, Post post) {
        var viewer = site.viewerActorId(ctx);
        var entry = discussions.entry(post.id(), viewer).orElseThrow();
        return Distance.shownAs(distance.shown(ctx), entry, Cards.post(entry, viewer, null, new PostMedia(media)));
    }

    /** The community's name and place: these pages never show its counts (see Cards.communityName). */
    private CommunityCard communityCard(long communityId) {
        return site.kept()
                .get(
                        () -> Cards.communityName(communities
                                .find(communityId)
                                .orElseThrow(() -> Refusal.notFound("there is no community here"))),
                        "communityName",
                        communityId);
    }
}
