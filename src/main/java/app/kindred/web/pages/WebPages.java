package app.kindred.web.pages;

import app.kindred.audit.AuditLog;
import app.kindred.care.AccountDeletions;
import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.Care;
import app.kindred.care.DailyReminder;
import app.kindred.care.Exports;
import app.kindred.care.Filters;
import app.kindred.community.CommunityService;
import app.kindred.config.Config;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.follow.FollowService;
import app.kindred.instance.InstanceSettings;
import app.kindred.media.MediaService;
import app.kindred.member.Accounts;
import app.kindred.member.MemberService;
import app.kindred.member.SessionService;
import app.kindred.moderation.ModerationService;
import app.kindred.notification.NotificationService;
import app.kindred.outreach.Outreach;
import app.kindred.policy.PolicyService;
import app.kindred.ratelimit.RateLimits;
import app.kindred.registration.Registrations;
import app.kindred.report.ConcernStops;
import app.kindred.report.ReportService;
import app.kindred.search.SearchService;
import app.kindred.storage.ReadableChanges;
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
    /** The feature services the pages call, handed over by the application (which the pages never import). */
    public record Services(
            Config config,
            SessionService sessions,
            MemberService members,
            NotificationService notifications,
            ReportService reports,
            CommunityService communities,
            RateLimits limits,
            MediaService media,
            Boundaries boundaries,
            Breaks breaks,
            FollowService follows,
            ThreadService threads,
            Discussions discussions,
            Care care,
            SearchService search,
            Exports exports,
            ModerationService moderation,
            AccountDeletions deletions,
            DailyReminder reminder,
            Function<Context, String> clientKey,
            // Issue 14 (speed6): moves on every committed change pages read; null keeps no page.
            ReadableChanges readableChanges,

            Outreach outreach,
            Filters filters,
            // The admins' workspace (admin6).
            Accounts accounts,
            PolicyService policy,
            DeliveryStatus delivery,
            AuditLog audit,
            // Stopping a member filing wellbeing concerns (issue 16).
            ConcernStops concernStops,
            // Instance settings changed at run time and sign-up by application (admin7).
            InstanceSettings instance,
            Registrations registrations) {}

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
    // A community's settings, ban confirmation and moderation log (modset6).
    private final CommunitySettingsPages communitySettings;
    private final OutreachPages outreachPages;
    private final FilterPages filterPages;
    // The admins' workspace (admin6).
    private final AdminPages adminPages;
    // Instance settings and applications (admin7).
    private final AdminSettingsPages adminSettingsPages;
    private final ConcernStopPages concernStopPages;
    // Private communities (issue 17).
    private final PrivateCommunityPages privateCommunities;

    public WebPages(Services app) {
        var config = app.config();
        this.site = new Site(
                () -> app.instance().name(),
                new Renderer(),
                new BrowserSessions(app.sessions(), config.instance().scheme().equals("https")),
                app.members(),
                app.notifications(),
                app.reports(),
                app.readableChanges());
        this.front = new FrontPages(site, app.communities(), config.instance().domain(), app.instance());
        this.accounts = new AccountPages(
                site, app.registrations(), app.instance(), app.sessions(), app.limits(), app.clientKey());
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
                composerImages,
                app.moderation());
        this.members = new MemberPages(site, app.members(), app.discussions(), app.media());
        this.notificationPages = new NotificationPages(
                site, app.notifications(), config.instance().domain(), distance);
        this.searchPages = new SearchPages(
                site, app.search(), app.communities(), app.threads(), app.discussions(), app.boundaries(), app.media());
        this.remoteCommunities = new RemoteCommunityPages(
                site, app.search(), app.communities(), app.follows(), app.discussions(), app.media());
        this.feeds = new FeedPages(site, app.discussions(), app.communities(), app.boundaries(), app.media());
        this.settings = new SettingsPages(site, app.members(), app.sessions());
        this.care = new CarePages(
                site,
                app.reports(),
                app.threads(),
                app.discussions(),
                app.communities(),
                app.members(),
                app.media(),
                app.boundaries(),
                app.breaks(),
                app.exports(),
                app.reminder());
        this.communityCare = new CommunityCarePages(
                site, app.communities(), app.moderation(), app.care(), app.discussions(), app.media());
        this.deletion = new DeletionPages(site, app.deletions());
        site.remindWith(app.reminder());
        this.pictures = new PicturePages(site, app.media(), composerImages, app.communities(), app.moderation());
        this.moderatorPages = new ModeratorPages(site, app.reports(), app.moderation(), app.discussions());
        this.communitySettings = new CommunitySettingsPages(site, app.communities(), app.moderation(), app.follows());
        this.outreachPages = new OutreachPages(site, app.outreach(), app.reports(), app.communities());
        this.filterPages = new FilterPages(site, app.filters());
        this.adminPages = new AdminPages(
                site,
                config,
                app.accounts(),
                app.policy(),
                app.delivery(),
                app.audit(),
                app.care(),
                app.reports(),
                app.moderation());
        this.adminSettingsPages = new AdminSettingsPages(site, config, app.instance(), app.registrations());
        this.concernStopPages = new ConcernStopPages(site, app.concernStops(), app.communities(), app.moderation());
        this.privateCommunities = new PrivateCommunityPages(site, app.communities(), app.follows(), app.moderation());
    }

    /** The pages at addresses the fediverse shares, for {@link app.kindred.federation.ActivityPubRoutes} to hand browsers. */
    @Override
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

    @Override
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
        communitySettings.register(routes);
        outreachPages.register(routes);
        filterPages.register(routes);
        adminPages.register(routes);
        adminSettingsPages.register(routes);
        concernStopPages.register(routes);
        privateCommunities.register(routes);
        routes.after(site::finished);
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
