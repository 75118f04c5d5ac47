package app.kindred.web;

import app.kindred.App;
import app.kindred.web.pages.AccountPages;
import app.kindred.web.pages.CarePages;
import app.kindred.web.pages.CommunityCarePages;
import app.kindred.web.pages.CommunityPages;
import app.kindred.web.pages.ComposerImages;
import app.kindred.web.pages.DeletionPages;
import app.kindred.web.pages.Distance;
import app.kindred.web.pages.FeedPages;
import app.kindred.web.pages.FrontPages;
import app.kindred.web.pages.MemberPages;
import app.kindred.web.pages.ModeratorPages;
import app.kindred.web.pages.NotificationPages;
import app.kindred.web.pages.PicturePages;
import app.kindred.web.pages.RemoteCommunityPages;
import app.kindred.web.pages.SearchPages;
import app.kindred.web.pages.SettingsPages;
import app.kindred.web.pages.Site;
import app.kindred.web.pages.ThreadPages;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import java.util.Map;

/** The member web interface (issue #14): server-rendered pages over the feature services. */
public final class WebPages {
    private final Site site;
    private final FrontPages front;
    private final AccountPages accounts;
    private final CommunityPages communities;
    private final ThreadPages threads;
    private final MemberPages members;
    // A member's own pages (pages5): notifications, search, remote communities, feeds, settings.
    private final NotificationPages notificationPages;
    private final SearchPages searchPages;
    private final RemoteCommunityPages remoteCommunities;
    private final FeedPages feeds;
    private final SettingsPages settings;
    private final CarePages care;
    private final CommunityCarePages communityCare;
    private final DeletionPages deletion;
    private final PicturePages pictures;
    // The moderators' workspace (mod5).
    private final ModeratorPages moderatorPages;

    public WebPages(App app) {
        var config = app.config();
        var open = config.instance().openRegistrations();
        this.site = new Site(
                config.instance().name(),
                new Renderer(),
                new BrowserSessions(app.sessions(), config.instance().scheme().equals("https")),
                app.members(),
                app.notifications(),
                app.reports());
        this.front = new FrontPages(site, app.communities(), config.instance().domain(), open);
        this.accounts = new AccountPages(site, app.members(), app.sessions(), open, app.limits(), app::clientKey);
        var composerImages = new ComposerImages(app.media(), config.media().maxUploadBytes());
        var distance = new Distance(site, app.boundaries(), app.breaks());
        this.communities = new CommunityPages(
                site,
                app.communities(),
                app.follows(),
                app.threads(),
                app.discussions(),
                app.media(),
                distance,
                app.care(),
                composerImages);
        this.threads = new ThreadPages(
                site,
                app.threads(),
                app.discussions(),
                app.communities(),
                app.media(),
                distance,
                app.care(),
                composerImages);
        this.members = new MemberPages(site, app.members(), app.discussions(), app.media());
        this.notificationPages = new NotificationPages(
                site, app.notifications(), config.instance().domain());
        this.searchPages = new SearchPages(
                site, app.search(), app.communities(), app.threads(), app.discussions(), app.boundaries(), app.media());
        this.remoteCommunities = new RemoteCommunityPages(
                site, app.search(), app.communities(), app.follows(), app.discussions(), app.media());
        this.feeds = new FeedPages(site, app.discussions(), app.communities(), app.boundaries(), app.media());
        this.settings = new SettingsPages(site, app.members(), app.sessions());
        this.care = new CarePages(
                site,
                app.reports(),
                app.limits(),
                app.threads(),
                app.discussions(),
                app.communities(),
                app.members(),
                app.media(),
                app.boundaries(),
                app.breaks(),
                app.exports());
        this.communityCare = new CommunityCarePages(
                site, app.communities(), app.moderation(), app.care(), app.discussions(), app.media());
        this.deletion = new DeletionPages(site, app.deletions());
        site.remindWith(app.reminder());
        this.pictures = new PicturePages(site, app.media(), composerImages, app.communities(), app.moderation());
        this.moderatorPages = new ModeratorPages(site, app.reports(), app.moderation(), app.discussions());
    }

    /** The pages at addresses the fediverse shares, for {@link app.kindred.federation.ActivityPubRoutes} to hand browsers. */
    public Map<String, Handler> sharedAddresses() {
        return Map.of(
                "/c/{name}",
                // /c/name@host, as Lemmy writes a remote community's address: our page of it is under /r/.
                ctx -> {
                    if (ctx.pathParam("name").contains("@")) remoteCommunities.redirect(ctx);
                    else communities.show(ctx);
                },
                "/u/{name}",
                members::show,
                "/p/{id}",
                threads::show);
    }

    public void register(RoutesConfig routes) {
        front.register(routes);
        accounts.register(routes);
        communities.register(routes);
        threads.register(routes);
        notificationPages.register(routes);
        searchPages.register(routes);
        remoteCommunities.register(routes);
        feeds.register(routes);
        settings.register(routes);
        care.register(routes);
        communityCare.register(routes);
        deletion.register(routes);
        pictures.register(routes);
        moderatorPages.register(routes);
        routes.exception(Site.SignInFirst.class, (e, ctx) -> {
            var back = ctx.method().name().equals("GET") ? ctx.path() : "/";
            Site.seeOther(ctx, "/login?next=" + Site.encode(back));
        });
    }

    /** Whether an answer to this request should be a page: a browser asking for HTML, outside the API. */
    public static boolean wantsPage(Context ctx) {
        if (ctx.path().startsWith("/api/")) return false;
        var accept = ctx.header("Accept");
        if (accept == null) return false;
        var a = accept.toLowerCase(Locale.ROOT);
        return (a.contains("text/html") || a.contains("application/xhtml+xml"))
                && !a.contains("application/activity+json")
                && !a.contains("application/ld+json");
    }

    public void error(Context ctx, int status, String detail) {
        site.error(ctx, status, detail == null ? null : Site.sentence(detail));
    }
}
