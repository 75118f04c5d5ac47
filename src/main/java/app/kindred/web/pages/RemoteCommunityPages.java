package app.kindred.web.pages;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.follow.FollowService;
import app.kindred.follow.FollowStore;
import app.kindred.media.MediaService;
import app.kindred.refusal.Refusal;
import app.kindred.search.RemoteLookup;
import app.kindred.search.SearchService;
import app.kindred.thread.Discussions;
import app.kindred.thread.PostStore;
import app.kindred.web.pages.HomeViews.RemoteCommunityPage;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.Moderator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/**
 * A community on another server, at /r/name@host: what this instance knows of it (its title,
 * guidelines, moderators and the threads that reached us), with following and leaving. The page
 * only reads what is stored; looking a community up on its server is search's, behind a form.
 */
public final class RemoteCommunityPages {
    static final String PREFIX = "/r/";

    private final Site site;
    private final SearchService search;
    private final CommunityService communities;
    private final FollowService follows;
    private final Discussions discussions;
    private final MediaService media;

    public RemoteCommunityPages(
            Site site,
            SearchService search,
            CommunityService communities,
            FollowService follows,
            Discussions discussions,
            MediaService media) {
        this.site = site;
        this.search = search;
        this.communities = communities;
        this.follows = follows;
        this.discussions = discussions;
        this.media = media;
    }

    /** Our page of a remote community. */
    static String path(Community c) {
        return PREFIX + c.name() + "@" + c.actor().domain();
    }

    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "{handle}", this::show);
        routes.post(PREFIX + "{handle}/follow", ctx -> follow(ctx, true));
        routes.post(PREFIX + "{handle}/unfollow", ctx -> follow(ctx, false));
    }

    /** GET /c/name@host from a browser: the same community's page here, under /r/ (or /c/name for one of ours). */
    public void redirect(Context ctx) {
        var community = known(ctx.pathParam("name"));
        Site.seeOther(ctx, Cards.href(community));
    }

    private void show(Context ctx) {
        var community = known(ctx);
        if (community.actor().local()) {
            // A handle of one of ours: its own page says it better.
            Site.seeOther(ctx, "/c/" + community.name());
            return;
        }
        var sort = sort(ctx.queryParam("sort"));
        int page = Site.page(ctx);
        var viewer = site.sessions().member(ctx);
        var viewerActor = viewer.map(v -> v.actor().id()).orElse(null);
        var list = discussions.threads(
                community.id(), sort, CommunityPages.PER_PAGE + 1, (page - 1) * CommunityPages.PER_PAGE, viewerActor);
        var postMedia = new PostMedia(media);
        var cards = list.stream()
                .limit(CommunityPages.PER_PAGE)
                .map(e -> new HomeViews.FeedItem(Cards.post(e, viewerActor, null, postMedia), null, null, null))
                .toList();
        var state = viewer.flatMap(v -> follows.subscriptions(v).stream()
                        .filter(s -> s.community().id() == community.id())
                        .findFirst())
                .map(s -> s.state() == FollowStore.State.ACCEPTED ? "accepted" : "pending")
                .orElse("none");
        var card = Cards.community(communities.listing(community.id()).orElseThrow(), null);
        site.send(
                ctx,
                "remote.jte",
                site.chrome(ctx, community.title(), community.sensitive(), new Crumb(community.title(), card.href())),
                new RemoteCommunityPage(
                        card,
                        card.href(),
                        community.actor().domain(),
                        community.actor().uri().toString(),
                        communities.rules(community.id()),
                        communities.moderators(community.id()).stream()
                                .map(RemoteCommunityPages::moderator)
                                .toList(),
                        cards,
                        sort.name().toLowerCase(Locale.ROOT),
                        page,
                        list.size() > CommunityPages.PER_PAGE,
                        state,
                        viewer.isPresent(),
                        // Issue 17: what a private community on another Kindred asks those who join, from its Group.
                        communities.privacy(community.id()).applicationQuestions()));
    }

    private void follow(Context ctx, boolean follow) {
        var community = known(ctx);
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        String notice;
        try {
            if (follow) {
                var subscription =
                        follows.follow(member, community.actor().uri().toString());
                notice = subscription.state() == FollowStore.State.ACCEPTED ? "followed=1" : "followPending=1";
            } else {
                follows.unfollow(member, community.id());
                notice = "left=1";
            }
        } catch (Refusal r) {
            // Following twice or leaving what one never followed: the page already shows the state wanted.
            if (r.kind() != Refusal.Kind.NOT_FOUND && r.kind() != Refusal.Kind.CONFLICT) throw r;
            notice = follow ? "followPending=1" : "left=1";
        }
        Site.seeOther(ctx, Cards.href(community) + "?" + notice);
    }

    /** The community the handle names, if this instance knows it; never fetched from here. */
    private Community known(Context ctx) {
        return known(ctx.pathParam("handle"));
    }

    private Community known(String handle) {
        Optional<Long> id;
        try {
            id = switch (search.resolve("!" + handle, Optional.empty())) {
                case RemoteLookup.Found.Community c -> Optional.of(c.id());
                case RemoteLookup.Found.Post p -> Optional.empty();
            };
        } catch (Refusal r) {
            id = Optional.empty();
        }
        return id.flatMap(communities::find)
                .orElseThrow(() -> Refusal.notFound(
                        "this instance does not know the community " + handle + " yet; search for it to look it up"));
    }

    private static Moderator moderator(Actor a) {
        return new Moderator(
                a.preferredUsername(),
                a.preferredUsername() + "@" + a.domain(),
                a.local() ? "/u/" + a.preferredUsername() : a.uri().toString());
    }

    static PostStore.Sort sort(String raw) {
        if (raw == null) return PostStore.Sort.ACTIVE;
        try {
            return PostStore.Sort.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return PostStore.Sort.ACTIVE;
        }
    }
}
