package app.kindred.api;

import app.kindred.api.Views.BreakView;
import app.kindred.api.Views.CommunityView;
import app.kindred.api.Views.MemberView;
import app.kindred.api.Views.ScoreView;
import app.kindred.api.Views.SubscriptionView;
import app.kindred.api.Views.TokenView;
import app.kindred.care.AccountDeletions;
import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.Care;
import app.kindred.care.DailyReminder;
import app.kindred.care.Exports;
import app.kindred.care.Filters;
import app.kindred.care.Shown;
import app.kindred.community.CommunityService;
import app.kindred.content.StorableText;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.follow.FollowService;
import app.kindred.instance.InstanceSettings;
import app.kindred.media.MediaService;
import app.kindred.member.Accounts;
import app.kindred.member.Member;
import app.kindred.member.MemberService;
import app.kindred.member.SessionService;
import app.kindred.moderation.ModerationService;
import app.kindred.notification.NotificationService;
import app.kindred.outreach.Outreach;
import app.kindred.policy.PolicyService;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.registration.Registrations;
import app.kindred.report.ConcernStops;
import app.kindred.report.ReportService;
import app.kindred.search.SearchService;
import app.kindred.storage.Database;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The client API for local members (issue #6): one table of endpoints, each handler parsing the
 * request, calling a feature service and rendering a view. Reads are public; every write needs a
 * bearer token from {@code POST /api/v1/auth/login}. Documented in docs/api.md and /api/openapi.json.
 */
public final class ApiRoutes {
    static final String OPENAPI_RESOURCE = "/app/kindred/api/openapi.json";
    static final String BLOCKLIST_IMPORT = "/api/v1/admin/domain_blocks/import";

    /** One route; the OpenAPI test reads this table, so the document cannot miss a route. */
    public record Endpoint(HandlerType method, String path, Handler handler) {}

    private final Registrations registrations;
    private final MemberService members;
    private final SessionService sessions;
    private final CommunityService communities;
    private final ThreadService threads;
    private final FollowService follows;
    private final PostViews postViews;
    private final byte[] openApi;
    private final AdminRoutes admin;
    private final ReportRoutes reports;
    private final ModerationRoutes moderation;
    private final ModerationService moderationService;
    private final MeRoutes me;
    private final SearchRoutes search;
    private final MediaService media;
    private final MediaApiRoutes mediaRoutes;
    private final RateLimits limits;
    private final Function<Context, String> clientKey;

    /** The limit each kind of write counts against, besides API_WRITE for all of them. */
    private static final String MEMBER = "kindred.member";

    private final Boundaries boundaries;
    private final Breaks breaks;
    private final CareRoutes care;
    private final CareSettingsRoutes careSettings;
    private final FilterRoutes filters;
    private final DeletionRoutes deletions;
    private final ReminderRoutes reminder;
    private final OutreachRoutes outreach;
    private final PrivacyRoutes privacy;
    private final AdminSettingsRoutes adminSettings;

    public ApiRoutes(
            Registrations registrations,
            MemberService members,
            SessionService sessions,
            CommunityService communities,
            ThreadService threads,
            FollowService follows,
            Database db,
            PostStore posts,
            DeliveryStatus deliveryStatus,
            PolicyService policy,
            String publishBlocklist,
            ReportService reports,
            ModerationService moderation,
            NotificationService notifications,
            SearchService search,
            Boundaries boundaries,
            Breaks breaks,
            Exports exports,
            RateLimits limits,
            Function<Context, String> clientKey,
            MediaService media,
            long maxUploadBytes,
            Filters filters,
            AccountDeletions deletions,
            DailyReminder reminder,
            Outreach outreach,
            ConcernStops concernStops,
            // The admins' workspace (admin6).
            Accounts accounts,
            String base,
            // Instance settings and applications (admin7).
            InstanceSettings instanceSettings) {
        this.media = media;
        this.registrations = registrations;
        this.limits = limits;
        this.clientKey = clientKey;
        this.members = members;
        this.sessions = sessions;
        this.communities = communities;
        this.threads = threads;
        this.follows = follows;
        this.postViews = new PostViews(db, posts, media, threads.posting());
        this.mediaRoutes = new MediaApiRoutes(this::member, media, maxUploadBytes);
        this.openApi = openApiDocument();
        this.admin = new AdminRoutes(this::member, deliveryStatus, policy, db, publishBlocklist, accounts, base);
        this.reports = new ReportRoutes(this::member, reports);
        this.adminSettings = new AdminSettingsRoutes(
                this::member,
                instanceSettings,
                registrations,
                reports,
                moderation,
                name -> members.find(name).orElseThrow(() -> Refusal.notFound("there is no member " + name + " here")));
        this.moderation = new ModerationRoutes(
                this::member, moderation, this::community, id -> postViews.post(id, null, false), media, threads);
        this.moderationService = moderation;
        this.me = new MeRoutes(
                this::member,
                ApiRoutes::bearer,
                members,
                sessions,
                notifications,
                media,
                m -> boundaries.shownTo(m).filters());
        this.boundaries = boundaries;
        this.breaks = breaks;
        this.search = new SearchRoutes(
                ctx -> bearer(ctx) == null ? Optional.empty() : Optional.of(member(ctx)),
                search,
                this::community,
                postViews,
                this::shown);
        this.care = new CareRoutes(this::member, boundaries, breaks, exports, this::community);
        this.careSettings = new CareSettingsRoutes(
                this::member, this::viewer, moderation, postViews, new Care(db), this::community);
        this.filters = new FilterRoutes(this::member, filters);
        this.deletions = new DeletionRoutes(this::member, deletions);
        this.reminder = new ReminderRoutes(this::member, reminder);
        this.outreach = new OutreachRoutes(this::member, outreach, concernStops);
        this.privacy = new PrivacyRoutes(this::member, moderation, follows, this::community);
    }

    public List<Endpoint> endpoints() {
        var all = new ArrayList<>(memberEndpoints());
        all.addAll(admin.endpoints());
        all.addAll(adminSettings.endpoints());
        all.addAll(reports.endpoints());
        all.addAll(moderation.endpoints());
        all.addAll(me.endpoints());
        all.addAll(search.endpoints());
        all.addAll(care.endpoints());
        all.addAll(careSettings.endpoints());
        all.addAll(filters.endpoints());
        all.addAll(mediaRoutes.endpoints());
        all.addAll(deletions.endpoints());
        all.addAll(reminder.endpoints());
        // The moderators' notes about members (modset6).
        all.addAll(new ModeratorNoteRoutes(this::member, moderationService).endpoints());
        all.addAll(outreach.endpoints());
        all.addAll(privacy.endpoints());
        return List.copyOf(all);
    }

    private List<Endpoint> memberEndpoints() {
        return List.of(
                new Endpoint(
                        HandlerType.GET,
                        "/api/openapi.json",
                        ctx -> ctx.contentType("application/json").result(openApi)),
                new Endpoint(HandlerType.POST, "/api/v1/accounts", this::register),
                new Endpoint(HandlerType.POST, "/api/v1/auth/login", this::logIn),
                new Endpoint(HandlerType.POST, "/api/v1/auth/logout", this::logOut),
                new Endpoint(HandlerType.GET, "/api/v1/me/subscriptions", this::subscriptions),
                new Endpoint(HandlerType.GET, "/api/v1/communities", ctx -> {
                    var anonymous = threads.anonymousCommunities();
                    ctx.json(communities.directory().stream()
                            .map(l -> CommunityView.of(
                                            l,
                                            media.pictures(l.community().actor().id()))
                                    .withAnonymousPosting(
                                            anonymous.contains(l.community().id())))
                            .toList());
                }),
                new Endpoint(HandlerType.POST, "/api/v1/communities", this::createCommunity),
                new Endpoint(HandlerType.GET, "/api/v1/communities/{id}", ctx -> ctx.json(community(id(ctx)))),
                new Endpoint(HandlerType.GET, "/api/v1/communities/{id}/threads", this::threadList),
                new Endpoint(HandlerType.POST, "/api/v1/communities/{id}/threads", this::startThread),
                new Endpoint(
                        HandlerType.GET,
                        "/api/v1/threads/{id}",
                        ctx -> ctx.json(postViews.thread(id(ctx), shown(ctx), viewer(ctx)))),
                new Endpoint(
                        HandlerType.GET,
                        "/api/v1/posts/{id}",
                        ctx -> ctx.json(postViews.post(id(ctx), viewer(ctx).orElse(null), true))),
                new Endpoint(HandlerType.PATCH, "/api/v1/posts/{id}", this::edit),
                new Endpoint(HandlerType.DELETE, "/api/v1/posts/{id}", this::delete),
                new Endpoint(HandlerType.POST, "/api/v1/posts/{id}/comments", this::comment),
                new Endpoint(HandlerType.POST, "/api/v1/posts/{id}/vote", this::vote),
                new Endpoint(HandlerType.POST, "/api/v1/follows", this::follow),
                new Endpoint(HandlerType.GET, "/api/v1/communities/{id}/follow_requests", ctx -> {
                    moderatorOf(ctx);
                    ctx.json(follows.followRequests(id(ctx)));
                }),
                new Endpoint(
                        HandlerType.POST,
                        "/api/v1/communities/{id}/follow_requests/{actor}/approve",
                        ctx -> answer(ctx, true)),
                new Endpoint(
                        HandlerType.POST,
                        "/api/v1/communities/{id}/follow_requests/{actor}/reject",
                        ctx -> answer(ctx, false)),
                new Endpoint(HandlerType.DELETE, "/api/v1/follows/{id}", this::unfollow));
    }

    public void register(RoutesConfig routes) {
        for (var endpoint : endpoints()) {
            routes.addHttpHandler(endpoint.method(), endpoint.path(), ctx -> {
                refuseUnreadableBody(ctx, endpoint.path());
                limitWrites(ctx, endpoint);
                endpoint.handler().handle(ctx);
            });
        }
    }

    /**
     * A member's API writes count against API_WRITE; past it the request is refused 429 before it does
     * anything. Threads, comments, votes and follows count in their services (both doors: the API and
     * the web pages); reports in ReportRoutes, where their category is known; sign-ins and sign-ups per
     * client, in their handlers.
     */
    private void limitWrites(Context ctx, Endpoint endpoint) {
        if (endpoint.method() == HandlerType.GET
                || bearer(ctx) == null
                || endpoint.path().startsWith("/api/v1/auth/")) return;
        var key = RateLimits.memberKey(member(ctx).id());
        limits.take(Limit.API_WRITE, key);
    }

    /**
     * A body the API would misread is refused before any handler: JSON only (415 otherwise), except
     * the blocklist import, which also takes the CSV and plain lists other servers publish.
     */
    private static void refuseUnreadableBody(Context ctx, String path) {
        boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        if (!hasBody) return;
        var type = String.valueOf(ctx.contentType()).split(";")[0].strip().toLowerCase(Locale.ROOT);
        boolean json = type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
        if (path.equals(MediaApiRoutes.UPLOAD)) {
            if (!type.equals("multipart/form-data")) {
                throw new Refusal(
                        Refusal.Kind.UNSUPPORTED_MEDIA_TYPE,
                        null,
                        "send the image as multipart/form-data with the fields file and alt");
            }
        } else if (path.equals(BLOCKLIST_IMPORT)) {
            if (!(json || type.equals("text/csv") || type.equals("text/plain"))) {
                throw new Refusal(Refusal.Kind.UNSUPPORTED_MEDIA_TYPE, null, "send the list as text/csv or text/plain");
            }
            if (!StorableText.isStorable(ctx.body()))
                throw JsonBody.badRequest(null, "the list contains a NUL character or broken Unicode");
        } else if (!json) {
            throw new Refusal(
                    Refusal.Kind.UNSUPPORTED_MEDIA_TYPE,
                    null,
                    "send the body as application/json" + (type.equals("null") ? "" : ", not " + type));
        }
    }

    private void register(Context ctx) {
        var body = JsonBody.parse(ctx.body(), Set.of("username", "password", "answer"));
        var username = body.text("username");
        var password = body.text("password");
        limits.take(Limit.SIGN_UP, clientKey.apply(ctx));
        Registrations.Outcome outcome;
        try {
            outcome = registrations.signUp(username, password, body.text("answer"));
        } catch (Refusal r) {
            // The service calls it a name; this request calls it a username.
            if (!"name".equals(r.field())) throw r;
            throw new Refusal(r.kind(), "username", r.getMessage());
        }
        switch (outcome) {
            case Registrations.Outcome.Joined joined -> ctx.status(201).json(MemberView.of(joined.member()));
            // Sign-up by application (issue 15): the account waits; signing in says how it stands.
            case Registrations.Outcome.Applied applied ->
                ctx.status(202).json(Map.of("username", applied.username(), "application", "waiting"));
        }
    }

    private void logIn(Context ctx) {
        var body = JsonBody.parse(ctx.body(), Set.of("username", "password"));
        var issued = sessions.logIn(body.text("username"), body.text("password"), clientKey.apply(ctx));
        ctx.header("Cache-Control", "no-store")
                .json(new TokenView(
                        issued.token(), issued.expiresAt(), issued.member().username(), issued.deletionCancelled()));
    }

    private void logOut(Context ctx) {
        sessions.logOut(bearer(ctx));
        ctx.status(204);
    }

    private void subscriptions(Context ctx) {
        var member = member(ctx);
        ctx.json(follows.subscriptions(member).stream()
                .map(s -> new SubscriptionView(community(s.community().id()), state(s)))
                .toList());
    }

    private void createCommunity(Context ctx) {
        var member = member(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("name", "title", "description"));
        var created =
                communities.create(body.text("name"), body.text("title"), body.text("description"), member.username());
        ctx.status(201).json(community(created.id()));
    }

    private void threadList(Context ctx) {
        long id = id(ctx);
        community(id);
        var sortParam = ctx.queryParam("sort");
        PostStore.Sort sort;
        try {
            sort = sortParam == null
                    ? PostStore.Sort.ACTIVE
                    : PostStore.Sort.valueOf(sortParam.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JsonBody.badRequest("sort", "sort must be new, active or top");
        }
        var viewer = viewer(ctx);
        var shown = viewer.map(boundaries::shownTo).orElse(Shown.EVERYTHING);
        ctx.json(postViews.threads(
                id,
                sort,
                page(ctx.queryParam("page")),
                shown,
                viewer.flatMap(m -> breaks.from(m, id)).map(BreakView::of),
                viewer));
    }

    private void startThread(Context ctx) {
        var member = member(ctx);
        long communityId = id(ctx);
        var body = JsonBody.parse(
                ctx.body(),
                Set.of("title", "body", "content_warning", "sensitive", "language", "url", "media", "anonymous"));
        var draft = new ThreadService.Draft(
                body.text("title"),
                body.text("body"),
                body.text("content_warning"),
                body.bool("sensitive"),
                body.text("language"));
        var post = threads.startThread(
                member,
                communityId,
                draft,
                new ThreadService.Attachments(body.text("url"), body.ids("media")),
                Boolean.TRUE.equals(body.bool("anonymous")));
        ctx.status(201).json(postViews.post(post.id(), member, false));
    }

    private void comment(Context ctx) {
        var member = member(ctx);
        long parentId = id(ctx);
        var body = JsonBody.parse(
                ctx.body(), Set.of("body", "content_warning", "sensitive", "language", "media", "anonymous"));
        var draft = new ThreadService.Draft(
                null, body.text("body"), body.text("content_warning"), body.bool("sensitive"), body.text("language"));
        var post = threads.comment(
                member,
                parentId,
                draft,
                new ThreadService.Attachments(null, body.ids("media")),
                Boolean.TRUE.equals(body.bool("anonymous")));
        ctx.status(201).json(postViews.post(post.id(), member, false));
    }

    private void edit(Context ctx) {
        var member = member(ctx);
        long postId = id(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("title", "body", "content_warning", "sensitive", "url", "media"));
        var current = threads.find(postId).orElseThrow(() -> Refusal.notFound("there is no post " + postId));
        // The link and images change only when named; naming one keeps the other as it is.
        var attachments = body.has("url") || body.has("media")
                ? new ThreadService.Attachments(
                        body.has("url") ? body.text("url") : current.url(),
                        body.has("media") ? body.ids("media") : threads.mediaOf(postId))
                : null;
        // PATCH: what is left out stays; a new warning without a flag decides sensitivity alone.
        var warning = body.has("content_warning") ? body.text("content_warning") : current.summary();
        var sensitive = body.has("sensitive")
                ? body.bool("sensitive")
                : body.has("content_warning") ? null : Boolean.valueOf(current.sensitive());
        var edited = threads.edit(
                member,
                postId,
                new ThreadService.Draft(
                        body.text("title"),
                        attachments != null && !body.has("body") ? current.sourceMarkdown() : body.requiredText("body"),
                        warning,
                        sensitive,
                        null),
                attachments);
        ctx.json(postViews.post(edited.id(), member, false));
    }

    private void delete(Context ctx) {
        threads.delete(member(ctx), id(ctx));
        ctx.status(204);
    }

    private void vote(Context ctx) {
        var member = member(ctx);
        long postId = id(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("value"));
        ctx.json(ScoreView.of(threads.vote(member, postId, body.requiredInt("value"))));
    }

    private void follow(Context ctx) {
        var member = member(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("community", "answers"));
        // answers: to a private community's application questions, in their order (issue 17).
        var subscription = follows.follow(member, body.requiredText("community"), body.texts("answers"));
        ctx.json(new SubscriptionView(community(subscription.community().id()), state(subscription)));
    }

    private void unfollow(Context ctx) {
        follows.unfollow(member(ctx), id(ctx));
        ctx.status(204);
    }

    /** Follows from limited instances wait for a moderator of the community (issue #8). */
    private void answer(Context ctx, boolean approve) {
        moderatorOf(ctx);
        long actor;
        try {
            actor = Long.parseLong(ctx.pathParam("actor"));
        } catch (NumberFormatException e) {
            throw JsonBody.badRequest("actor", "actor must be the number listed in follow_requests");
        }
        // A refusal may say why (issue 17): {"reason": "..."}, sent to the follower.
        String reason = null;
        if (!approve && !ctx.body().isBlank())
            reason = JsonBody.parse(ctx.body(), Set.of("reason")).text("reason");
        follows.answer(id(ctx), actor, approve, reason);
        ctx.status(204);
    }

    private void moderatorOf(Context ctx) {
        var m = member(ctx);
        community(id(ctx));
        if (!moderationService.mayModerate(m, id(ctx))) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only the community's moderators answer follow requests");
        }
    }

    private CommunityView community(long id) {
        return communities
                .listing(id)
                .map(l -> CommunityView.of(
                                l, media.pictures(l.community().actor().id()))
                        .withAnonymousPosting(threads.anonymousPosting(id)))
                .orElseThrow(() -> Refusal.notFound("there is no community " + id));
    }

    /** The signed-in member, if the request carries a token (reads are public). */
    private Optional<Member> viewer(Context ctx) {
        return bearer(ctx) == null ? Optional.empty() : Optional.of(member(ctx));
    }

    /** What the requester sees: everything for a visitor, less the member's blocks, mutes and breaks. */
    private Shown shown(Context ctx) {
        return viewer(ctx).map(boundaries::shownTo).orElse(Shown.EVERYTHING);
    }

    /** The signed-in member, looked up once per request. */
    private Member member(Context ctx) {
        Member known = ctx.attribute(MEMBER);
        if (known != null) return known;
        var member = sessions.member(bearer(ctx));
        ctx.attribute(MEMBER, member);
        return member;
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header, or null. */
    private static String bearer(Context ctx) {
        var header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        return header.substring(7).strip();
    }

    static long id(Context ctx) {
        return RequestNumbers.path(ctx, "id");
    }

    private static int page(String raw) {
        return RequestNumbers.page(raw, 10_000);
    }

    private static String state(FollowService.Subscription s) {
        return s.state().name().toLowerCase(Locale.ROOT);
    }

    private static byte[] openApiDocument() {
        try (var in = ApiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
