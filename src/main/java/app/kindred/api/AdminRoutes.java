package app.kindred.api;

import app.kindred.actor.DomainPattern;
import app.kindred.audit.AuditLog;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.member.Accounts;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.policy.Blocklist;
import app.kindred.policy.DomainBlock;
import app.kindred.policy.PolicyService;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What instance admins see and do through the API: federation status per host and per activity
 * (issue #5), domain blocks with their consequences, import and export, and the audit log
 * (issue #8). Members read their severed-relationship notices here too.
 */
final class AdminRoutes {
    private final Function<Context, Member> member;
    private final DeliveryStatus status;
    private final PolicyService policy;
    private final String publishBlocklist;
    // The admins' workspace (admin6): accounts, and the audit log in one place.
    private final Accounts accounts;
    private final AuditLog audit;
    private final String base;

    AdminRoutes(
            Function<Context, Member> member,
            DeliveryStatus status,
            PolicyService policy,
            Database db,
            String publishBlocklist,
            Accounts accounts,
            String base) {
        this.member = member;
        this.status = status;
        this.policy = policy;
        this.publishBlocklist = publishBlocklist;
        this.accounts = accounts;
        this.audit = new AuditLog(db);
        this.base = base;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/federation/hosts", ctx -> {
                    admin(ctx);
                    ctx.json(status.hosts());
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/federation/activity", ctx -> {
                    admin(ctx);
                    var id = ctx.queryParam("id");
                    if (id == null || id.isBlank()) throw JsonBody.badRequest("id", "give the activity's id as ?id=");
                    var rows = status.activity(id);
                    if (rows.isEmpty()) throw Refusal.notFound("no outgoing activity " + id + " is known here");
                    ctx.json(rows);
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/domain_blocks", ctx -> {
                    admin(ctx);
                    ctx.json(policy.list().stream().map(AdminRoutes::view).toList());
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/domain_blocks/preview", ctx -> {
                    admin(ctx);
                    ctx.json(policy.preview(DomainPattern.parse(ctx.queryParam("domain"))));
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/domain_blocks", this::block),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/admin/domain_blocks/{domain}", ctx -> {
                    var admin = admin(ctx);
                    policy.unblock(
                            DomainPattern.parse(ctx.pathParam("domain")), admin.username(), ctx.queryParam("reason"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, ApiRoutes.BLOCKLIST_IMPORT, ctx -> {
                    var admin = admin(ctx);
                    boolean dryRun = "true".equals(ctx.queryParam("dry_run"));
                    ctx.json(policy.importBlocklist(ctx.body(), dryRun, admin.username()));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/domain_blocks/export", ctx -> {
                    admin(ctx);
                    var format =
                            "plain".equals(ctx.queryParam("format")) ? Blocklist.Format.PLAIN : Blocklist.Format.CSV;
                    ctx.contentType(format == Blocklist.Format.CSV ? "text/csv" : "text/plain")
                            .result(Blocklist.export(policy.list(), format, false));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/audit_log", ctx -> {
                    admin(ctx);
                    ctx.json(audit.recent(500).stream()
                            .map(e -> Map.of(
                                    "actor",
                                    e.actor(),
                                    "action",
                                    e.action(),
                                    "target",
                                    e.target(),
                                    "reason",
                                    e.reason(),
                                    "details",
                                    e.details(),
                                    "created_at",
                                    e.at().toString()))
                            .toList());
                }),
                // The admins' workspace (admin6): what the pages at /admin do, for scripts and apps.
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/federation/hosts/{host}/retry", ctx -> {
                    var admin = admin(ctx);
                    var host = ctx.pathParam("host");
                    ctx.json(Map.of("host", host, "deliveries", status.retryNow(host, admin.username())));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/domain_allows", ctx -> {
                    admin(ctx);
                    ctx.json(policy.allowed());
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/domain_allows", ctx -> {
                    var admin = admin(ctx);
                    var body = JsonBody.parse(ctx.body(), Set.of("domain"));
                    var domain = DomainPattern.parse(body.requiredText("domain"));
                    policy.allow(domain, admin.username());
                    ctx.status(201).json(Map.of("domain", domain.toString()));
                }),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/admin/domain_allows/{domain}", ctx -> {
                    var admin = admin(ctx);
                    policy.unallow(DomainPattern.parse(ctx.pathParam("domain")), admin.username());
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/domain_blocks/import/preview", ctx -> {
                    admin(ctx);
                    ctx.json(policy.importPreview(ctx.body()).stream()
                            .map(l -> Map.of(
                                    "line",
                                    l.number(),
                                    "text",
                                    l.text(),
                                    "fate",
                                    l.fate().name().toLowerCase(Locale.ROOT),
                                    "domain",
                                    l.block() == null ? "" : l.block().domain().toString(),
                                    "detail",
                                    l.detail()))
                            .toList());
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/accounts", ctx -> {
                    var admin = admin(ctx);
                    ctx.json(accounts.list(admin, ctx.queryParam("q"), 500).stream()
                            .map(AdminRoutes::view)
                            .toList());
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/accounts/{name}/suspend", ctx -> {
                    var admin = admin(ctx);
                    var body = JsonBody.parse(ctx.body(), Set.of("reason"));
                    accounts.suspend(admin, ctx.pathParam("name"), body.requiredText("reason"));
                    ctx.json(view(accounts.find(admin, ctx.pathParam("name"))));
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/accounts/{name}/unsuspend", ctx -> {
                    var admin = admin(ctx);
                    var body = JsonBody.parse(ctx.body().isBlank() ? "{}" : ctx.body(), Set.of("reason"));
                    accounts.unsuspend(admin, ctx.pathParam("name"), orEmpty(body.text("reason")));
                    ctx.json(view(accounts.find(admin, ctx.pathParam("name"))));
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/accounts/{name}/role", ctx -> {
                    var admin = admin(ctx);
                    var body = JsonBody.parse(ctx.body(), Set.of("role"));
                    var role = switch (body.requiredText("role")) {
                        case "admin" -> Role.ADMIN;
                        case "member" -> Role.MEMBER;
                        default -> throw Refusal.invalid("role", "role is admin or member");
                    };
                    accounts.setRole(admin, ctx.pathParam("name"), role);
                    ctx.json(view(accounts.find(admin, ctx.pathParam("name"))));
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/accounts/{name}/password_reset", ctx -> {
                    var admin = admin(ctx);
                    var reset = accounts.issueReset(admin, ctx.pathParam("name"));
                    ctx.header("Cache-Control", "no-store");
                    ctx.status(201)
                            .json(Map.of(
                                    "url",
                                    base + "/reset/" + reset.token(),
                                    "expires_at",
                                    reset.expiresAt().toString()));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/severed_relationships",
                        ctx -> ctx.json(policy.severedFor(member.apply(ctx).id()))),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/instance/domain_blocks", ctx -> {
                    if (publishBlocklist.equals("no"))
                        throw Refusal.notFound("this instance does not publish its blocklist");
                    ctx.json(policy.published(publishBlocklist));
                }));
    }

    /** A suspend that cuts follows is applied only when the request confirms it, having seen the preview. */
    private void block(Context ctx) {
        var admin = admin(ctx);
        var body = JsonBody.parse(
                ctx.body(),
                Set.of(
                        "domain",
                        "severity",
                        "reject_media",
                        "reject_reports",
                        "public_comment",
                        "private_comment",
                        "obfuscate",
                        "reason",
                        "confirm"));
        var domain = DomainPattern.parse(body.requiredText("domain"));
        var severity = DomainBlock.Severity.parse(body.requiredText("severity"));
        var block = new DomainBlock(
                domain,
                severity,
                Boolean.TRUE.equals(body.bool("reject_media")),
                Boolean.TRUE.equals(body.bool("reject_reports")),
                orEmpty(body.text("public_comment")),
                orEmpty(body.text("private_comment")),
                Boolean.TRUE.equals(body.bool("obfuscate")),
                null);
        var preview = policy.preview(domain);
        if (severity == DomainBlock.Severity.SUSPEND
                && preview.follows() > 0
                && !Boolean.TRUE.equals(body.bool("confirm"))) {
            throw new Refusal(
                    Refusal.Kind.CONFLICT,
                    "confirm",
                    "suspending " + domain + " cuts " + preview.follows() + " follow(s) affecting "
                            + preview.membersAffected() + " member(s); send \"confirm\": true to go ahead");
        }
        ctx.status(201).json(policy.block(block, admin.username(), orEmpty(body.text("reason"))));
    }

    private Member admin(Context ctx) {
        var m = member.apply(ctx);
        if (m.role() != Role.ADMIN) throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
        return m;
    }

    private static Map<String, Object> view(DomainBlock b) {
        return Map.of(
                "domain",
                b.domain().toString(),
                "severity",
                b.severity().wireName(),
                "reject_media",
                b.rejectMedia(),
                "reject_reports",
                b.rejectReports(),
                "public_comment",
                b.publicComment(),
                "private_comment",
                b.privateComment(),
                "obfuscate",
                b.obfuscate());
    }

    private static Map<String, Object> view(Accounts.Account a) {
        var view = new LinkedHashMap<String, Object>();
        view.put("username", a.username());
        view.put("role", a.role().name().toLowerCase(Locale.ROOT));
        view.put("created_at", a.createdAt().toString());
        view.put(
                "last_active_at",
                a.lastActiveAt() == null ? null : a.lastActiveAt().toString());
        view.put(
                "suspended_at", a.suspendedAt() == null ? null : a.suspendedAt().toString());
        view.put("leaving", a.leaving());
        return view;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
