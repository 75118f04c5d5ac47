package app.kindred.web.pages;

import app.kindred.care.Boundaries;
import app.kindred.care.Shown;
import app.kindred.community.CommunityService;
import app.kindred.content.StorableText;
import app.kindred.media.MediaService;
import app.kindred.refusal.Refusal;
import app.kindred.search.RemoteLookup;
import app.kindred.search.SearchService;
import app.kindred.thread.Discussions;
import app.kindred.thread.ThreadService;
import app.kindred.web.pages.HomeViews.SearchPage;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Search: words find communities (ours and the remote ones known here) and posts shown here; a
 * pasted handle or URL finds the one thing it names. A name this instance does not know yet is
 * looked up on its server only when a signed-in member presses a button (a POST with its form
 * token): a link cannot make anyone's browser start a fetch from here.
 */
public final class SearchPages {
    private final Site site;
    private final SearchService search;
    private final CommunityService communities;
    private final ThreadService threads;
    private final Discussions discussions;
    private final Boundaries boundaries;
    private final MediaService media;

    public SearchPages(
            Site site,
            SearchService search,
            CommunityService communities,
            ThreadService threads,
            Discussions discussions,
            Boundaries boundaries,
            MediaService media) {
        this.site = site;
        this.search = search;
        this.communities = communities;
        this.threads = threads;
        this.discussions = discussions;
        this.boundaries = boundaries;
        this.media = media;
    }

    public void register(RoutesConfig routes) {
        routes.get("/search", this::show);
        routes.post("/search/look-up", this::lookUp);
    }

    private void show(Context ctx) {
        // A query comes in the address (a GET form), less what PostgreSQL cannot hold.
        var q = ctx.queryParam("q") == null ? "" : StorableText.storable(ctx.queryParam("q"));
        int page = Site.page(ctx);
        if (q.isBlank()) {
            render(ctx, 200, empty(q, Form.empty()));
            return;
        }
        var values = Map.of("q", q);
        if (SearchService.isAddress(q)) {
            try {
                var found = search.resolve(q, Optional.empty());
                var target = target(found);
                render(
                        ctx,
                        200,
                        new SearchPage(
                                q,
                                Form.of(values),
                                List.of(),
                                List.of(),
                                1,
                                false,
                                true,
                                target.href(),
                                target.title(),
                                false));
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.UNAUTHORIZED) {
                    // Not known here: a signed-in member may ask its server.
                    boolean signedIn = site.sessions().member(ctx).isPresent();
                    render(
                            ctx,
                            200,
                            new SearchPage(
                                    q, Form.of(values), List.of(), List.of(), 1, false, true, null, null, signedIn));
                } else {
                    render(ctx, CommunityPages.status(r), empty(q, Site.refused(values, r, Map.of())));
                }
            }
            return;
        }
        try {
            var viewer = site.sessions().member(ctx);
            var viewerActor = viewer.map(v -> v.actor().id()).orElse(null);
            // A member's hidden communities, breaks, blocks and mutes keep posts out of their results (issue 18).
            var shown = viewer.map(boundaries::shownTo).orElse(Shown.EVERYTHING);
            List<CommunityCard> found = page > 1
                    ? List.of()
                    : search.communities(q, 1).stream()
                            .map(communities::listing)
                            .flatMap(Optional::stream)
                            .map(l -> Cards.community(l, null))
                            .toList();
            var posts = search.posts(q, page);
            var kept = posts.stream()
                    .filter(p -> shown.listsAcross(p.communityId(), p.authorId()))
                    .toList();
            var items = FeedPages.items(discussions.entries(kept, viewerActor), shown, viewerActor, communities, media);
            render(
                    ctx,
                    200,
                    new SearchPage(
                            q,
                            Form.of(values),
                            found,
                            items,
                            page,
                            posts.size() == SearchService.PER_PAGE,
                            false,
                            null,
                            null,
                            false));
        } catch (Refusal r) {
            render(ctx, CommunityPages.status(r), empty(q, Site.refused(values, r, Map.of())));
        }
    }

    /** A signed-in member asks the server a handle or URL names; the page it leads to follows. */
    private void lookUp(Context ctx) {
        var member = site.member(ctx);
        var q = Site.fields(ctx, "q").get("q").strip();
        var values = Map.of("q", q);
        var m = site.messages(ctx);
        if (!site.sessions().csrfValid(ctx)) {
            render(ctx, 403, empty(q, Form.of(values).with(new FieldError("q", m.t("error.csrf.form")))));
            return;
        }
        if (!SearchService.isAddress(q)) {
            render(ctx, 422, empty(q, Form.of(values).with(new FieldError("q", m.t("search.notAddress")))));
            return;
        }
        try {
            Site.seeOther(ctx, target(search.resolve(q, Optional.of(member))).href());
        } catch (Refusal r) {
            var status = r.kind() == Refusal.Kind.NOT_FOUND ? 404 : CommunityPages.status(r);
            var message =
                    r.kind() == Refusal.Kind.NOT_FOUND ? m.t("search.notFound", q) : Site.sentence(r.getMessage());
            render(ctx, status, empty(q, Form.of(values).with(new FieldError("q", message))));
        }
    }

    private record Target(String href, String title) {}

    private Target target(RemoteLookup.Found found) {
        return switch (found) {
            case RemoteLookup.Found.Community c -> {
                var community = communities.find(c.id()).orElseThrow(() -> Refusal.notFound("that community is gone"));
                yield new Target(Cards.href(community), community.title());
            }
            case RemoteLookup.Found.Post p -> {
                var post = threads.find(p.id()).orElseThrow(() -> Refusal.notFound("that post is gone"));
                yield new Target(RemotePostPages.path(post.local(), post.id()), post.title());
            }
        };
    }

    private static SearchPage empty(String q, Form form) {
        return new SearchPage(q, form, List.of(), List.of(), 1, false, false, null, null, false);
    }

    private void render(Context ctx, int status, SearchPage page) {
        var m = site.messages(ctx);
        var title = page.q().isBlank() ? m.t("search.title") : m.t("search.titleFor", page.q());
        var chrome = site.chrome(ctx, title, new Crumb(m.t("search.title"), "/search"));
        // The look-up button is a form: a signed-in member has a token already; nobody else sees one.
        site.send(ctx, status, "search.jte", chrome, page);
    }
}
