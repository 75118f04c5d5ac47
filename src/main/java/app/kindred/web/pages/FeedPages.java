package app.kindred.web.pages;

import app.kindred.care.Boundaries;
import app.kindred.care.Shown;
import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.media.MediaService;
import app.kindred.refusal.Refusal;
import app.kindred.thread.Discussions;
import app.kindred.thread.PostStore;
import app.kindred.web.pages.HomeViews.FeedItem;
import app.kindred.web.pages.HomeViews.FeedPage;
import app.kindred.web.pages.Views.Crumb;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The home feeds: threads from the communities a member follows, from this instance's own, or from
 * every community this instance knows, newest, most active or best first, a page at a time. What a
 * member keeps at a distance is applied here once per page ({@link Boundaries#shownTo}): muted
 * members, hidden communities and breaks are left out; a blocked member's thread keeps its place,
 * collapsed, so the member is not left wondering why a conversation they saw has gone.
 */
public final class FeedPages {
    static final int PER_PAGE = 20;
    private static final List<String> SCOPES = List.of("subscribed", "local", "all");

    private final Site site;
    private final Discussions discussions;
    private final CommunityService communities;
    private final Boundaries boundaries;
    private final MediaService media;

    public FeedPages(
            Site site,
            Discussions discussions,
            CommunityService communities,
            Boundaries boundaries,
            MediaService media) {
        this.site = site;
        this.discussions = discussions;
        this.communities = communities;
        this.boundaries = boundaries;
        this.media = media;
    }

    public void register(RoutesConfig routes) {
        routes.get(
                "/feed",
                ctx -> Site.seeOther(ctx, site.sessions().member(ctx).isPresent() ? "/feed/subscribed" : "/feed/all"));
        routes.get("/feed/{scope}", this::show);
    }

    private void show(Context ctx) {
        var scopeName = ctx.pathParam("scope");
        if (!SCOPES.contains(scopeName)) throw Refusal.notFound("there is no feed " + scopeName);
        var scope = PostStore.Scope.valueOf(scopeName.toUpperCase(Locale.ROOT));
        var viewer = site.sessions().member(ctx);
        // Subscribed means someone's follows: signing in comes first.
        if (scope == PostStore.Scope.SUBSCRIBED) site.member(ctx);
        var shown = viewer.map(boundaries::shownTo).orElse(Shown.EVERYTHING);
        var sort = RemoteCommunityPages.sort(ctx.queryParam("sort"));
        int page = Site.page(ctx);
        var viewerActor = viewer.map(v -> v.actor().id()).orElse(null);
        List<FeedItem> items = List.of();
        boolean hasNext = false;
        if (!shown.onInstanceBreak()) {
            var leftOut = new HashSet<Long>(shown.hidden());
            leftOut.addAll(shown.onBreakFrom());
            var entries = discussions.feed(
                    scope, sort, leftOut, shown.muted(), PER_PAGE + 1, (page - 1) * PER_PAGE, viewerActor);
            hasNext = entries.size() > PER_PAGE;
            items = items(entries.stream().limit(PER_PAGE).toList(), shown, viewerActor, communities, media);
        }
        var m = site.messages(ctx);
        var title = m.t("feed." + scopeName + ".title");
        site.send(
                ctx,
                "feed.jte",
                site.chrome(ctx, title, new Crumb(title, "/feed/" + scopeName)),
                new FeedPage(
                        scopeName,
                        sort.name().toLowerCase(Locale.ROOT),
                        page,
                        hasNext,
                        items,
                        shown.onInstanceBreak()));
    }

    /** Cards for threads from many communities, each community read once; a blocked author's thread collapsed. */
    static List<FeedItem> items(
            List<Discussions.Entry> entries,
            Shown shown,
            Long viewerActor,
            CommunityService communities,
            MediaService media) {
        var postMedia = new PostMedia(media);
        Map<Long, Optional<Community>> known = new HashMap<>();
        return entries.stream()
                // A hiding filter of the reader's leaves the thread out, as in the API's listings.
                .filter(e -> !Distance.filteredOut(shown, e))
                .map(e -> {
                    var collapsed = shown.collapses(e.post().authorId())
                            .filter("blocked"::equals)
                            .orElse(null);
                    var community = known.computeIfAbsent(e.post().communityId(), communities::find);
                    var card = collapsed != null
                            ? null
                            : Distance.filtered(shown, e, Cards.post(e, viewerActor, null, postMedia));
                    return new FeedItem(
                            card,
                            community.map(Community::title).orElse(""),
                            community.map(Cards::href).orElse("/"),
                            collapsed);
                })
                .toList();
    }
}
