package app.kindred.web;

import app.kindred.App;
import app.kindred.web.pages.AccountPages;
import app.kindred.web.pages.CommunityPages;
import app.kindred.web.pages.ComposerImages;
import app.kindred.web.pages.FrontPages;
import app.kindred.web.pages.MemberPages;
import app.kindred.web.pages.PicturePages;
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
    private final PicturePages pictures;

    public WebPages(App app) {
        var config = app.config();
        var open = config.instance().openRegistrations();
        this.site = new Site(
                config.instance().name(),
                new Renderer(),
                new BrowserSessions(app.sessions(), config.instance().scheme().equals("https")),
                app.members());
        this.front = new FrontPages(site, app.communities(), config.instance().domain(), open);
        this.accounts = new AccountPages(site, app.members(), app.sessions(), open, app.limits(), app::clientKey);
        var composerImages = new ComposerImages(app.media(), config.media().maxUploadBytes());
        this.communities = new CommunityPages(
                site, app.communities(), app.follows(), app.threads(), app.discussions(), app.media(), composerImages);
        this.threads =
                new ThreadPages(site, app.threads(), app.discussions(), app.communities(), app.media(), composerImages);
        this.members = new MemberPages(site, app.members(), app.discussions(), app.media());
        this.pictures = new PicturePages(site, app.media(), composerImages, app.communities(), app.moderation());
    }

    /** The pages at addresses the fediverse shares, for {@link app.kindred.federation.ActivityPubRoutes} to hand browsers. */
    public Map<String, Handler> sharedAddresses() {
        return Map.of("/c/{name}", communities::show, "/u/{name}", members::show, "/p/{id}", threads::show);
    }

    public void register(RoutesConfig routes) {
        front.register(routes);
        accounts.register(routes);
        communities.register(routes);
        threads.register(routes);
        pictures.register(routes);
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
