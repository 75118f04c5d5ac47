package app.kindred.web.pages;

import app.kindred.community.CommunityService;
import app.kindred.config.Config;
import app.kindred.follow.FollowService;
import app.kindred.media.MediaService;
import app.kindred.member.MemberService;
import app.kindred.member.SessionService;
import app.kindred.ratelimit.RateLimits;
import app.kindred.thread.Discussions;
import app.kindred.thread.ThreadService;
import app.kindred.web.BrowserSessions;
import app.kindred.web.Pages;
import app.kindred.web.Renderer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;
import java.util.function.Function;

/** The member web interface (issue #14): server-rendered pages over the feature services. */
public final class WebPages implements Pages {
    private final Site site;
    private final FrontPages front;
    private final AccountPages accounts;
    private final CommunityPages communities;
    private final ThreadPages threads;
    private final MemberPages members;

    public WebPages(
            Config config,
            SessionService sessions,
            MemberService memberService,
            CommunityService communityService,
            FollowService follows,
            ThreadService threadService,
            Discussions discussions,
            MediaService media,
            RateLimits limits,
            Function<Context, String> clientKey) {
        var open = config.instance().openRegistrations();
        this.site = new Site(
                config.instance().name(),
                new Renderer(),
                new BrowserSessions(sessions, config.instance().scheme().equals("https")),
                memberService);
        this.front = new FrontPages(site, communityService, config.instance().domain(), open);
        this.accounts = new AccountPages(site, memberService, sessions, open, limits, clientKey);
        this.communities = new CommunityPages(site, communityService, follows, threadService, discussions, media);
        this.threads = new ThreadPages(site, threadService, discussions, communityService, media);
        this.members = new MemberPages(site, memberService, discussions, media);
    }

    @Override
    public Map<String, Handler> sharedAddresses() {
        return Map.of("/c/{name}", communities::show, "/u/{name}", members::show, "/p/{id}", threads::show);
    }

    @Override
    public void register(RoutesConfig routes) {
        front.register(routes);
        accounts.register(routes);
        communities.register(routes);
        threads.register(routes);
        routes.exception(Site.SignInFirst.class, (e, ctx) -> {
            var back = ctx.method().name().equals("GET") ? ctx.path() : "/";
            Site.seeOther(ctx, "/login?next=" + Site.encode(back));
        });
    }

    @Override
    public void error(Context ctx, int status, String detail) {
        site.error(ctx, status, detail == null ? null : Site.sentence(detail));
    }
}
