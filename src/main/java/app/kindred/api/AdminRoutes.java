package app.kindred.api;

import app.kindred.actor.DomainPattern;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.policy.Blocklist;
import app.kindred.policy.DomainBlock;
import app.kindred.policy.PolicyService;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
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
    private final Database db;
    private final String publishBlocklist;

    AdminRoutes(
            Function<Context, Member> member,
            DeliveryStatus status,
            PolicyService policy,
            Database db,
            String publishBlocklist) {
        this.member = member;
        this.status = status;
        this.policy = policy;
        this.db = db;
        this.publishBlocklist = publishBlocklist;
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
                    ctx.json(db.read(c -> Sql.list(
                            c,
                            """
                            select actor, action, target, reason, details::text, created_at from audit_log order by id desc limit 500""",
                            rs -> Map.of(
                                    "actor",
                                    rs.getString(1),
                                    "action",
                                    rs.getString(2),
                                    "target",
                                    rs.getString(3),
                                    "reason",
                                    rs.getString(4),
                                    "details",
                                    rs.getString(5),
                                    "created_at",
                                    rs.getTimestamp(6).toInstant().toString()))));
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

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
