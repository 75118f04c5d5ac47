package app.kindred.api;

import app.kindred.instance.InstanceSettings;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.registration.Registrations;
import app.kindred.report.ReportService;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The admins' last doors (issue 15, admin7): the instance's settings changed at run time, the
 * applications queue of sign-up by application, and the reports and moderation about one member.
 * The same services as the pages at /admin and the command line.
 */
final class AdminSettingsRoutes {
    private final Function<Context, Member> member;
    private final InstanceSettings settings;
    private final Registrations registrations;
    private final ReportService reports;
    private final ModerationService moderation;
    private final Function<String, Member> find;

    AdminSettingsRoutes(
            Function<Context, Member> member,
            InstanceSettings settings,
            Registrations registrations,
            ReportService reports,
            ModerationService moderation,
            Function<String, Member> find) {
        this.member = member;
        this.settings = settings;
        this.registrations = registrations;
        this.reports = reports;
        this.moderation = moderation;
        this.find = find;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/instance/settings", ctx -> {
                    admin(ctx);
                    ctx.json(view(settings.current()));
                }),
                new ApiRoutes.Endpoint(HandlerType.PATCH, "/api/v1/admin/instance/settings", ctx -> {
                    var admin = admin(ctx);
                    var body = JsonBody.parse(ctx.body(), Set.copyOf(InstanceSettings.KEYS));
                    var changes = new LinkedHashMap<String, String>();
                    for (var key : InstanceSettings.KEYS) {
                        var value = body.text(key);
                        if (value != null) changes.put(key, value);
                    }
                    ctx.json(view(settings.set(admin.username(), changes)));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/applications", ctx -> {
                    var admin = admin(ctx);
                    ctx.json(registrations.waiting(admin).stream()
                            .map(w -> Map.of(
                                    "username", w.username(),
                                    "answer", w.answer(),
                                    "applied_at", w.appliedAt().toString()))
                            .toList());
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/applications/{username}/approve", ctx -> {
                    registrations.approve(admin(ctx), ctx.pathParam("username"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/applications/{username}/refuse", ctx -> {
                    var admin = admin(ctx);
                    var body = ctx.body().isBlank() ? null : JsonBody.parse(ctx.body(), Set.of("reason"));
                    registrations.refuse(admin, ctx.pathParam("username"), body == null ? "" : body.text("reason"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/admin/members/{username}/reports", ctx -> {
                    var admin = admin(ctx);
                    var subject = find.apply(ctx.pathParam("username"));
                    var out = new LinkedHashMap<String, Object>();
                    out.put(
                            "reports",
                            reports.aboutMember(admin, subject.actor().id()).stream()
                                    .map(d -> {
                                        var r = new LinkedHashMap<String, Object>();
                                        r.put("id", d.report().id());
                                        r.put("status", d.report().status().wire());
                                        r.put("concern", d.report().concern().wire());
                                        r.put("community", d.communityName());
                                        r.put(
                                                "post",
                                                d.post() == null
                                                        ? null
                                                        : d.post().toString());
                                        r.put("filings", d.report().filings().size());
                                        r.put(
                                                "created_at",
                                                d.report().createdAt().toString());
                                        return r;
                                    })
                                    .toList());
                    out.put(
                            "moderation",
                            moderation.historyOf(admin, subject.actor().id()).stream()
                                    .map(a -> {
                                        var e = new LinkedHashMap<String, Object>();
                                        e.put("community", a.community());
                                        e.put("action", a.entry().action().wireName());
                                        e.put("target", a.entry().target());
                                        e.put("reason", a.entry().reason());
                                        e.put("moderator", a.entry().moderator());
                                        e.put(
                                                "expires_at",
                                                a.entry().expires() == null
                                                        ? null
                                                        : a.entry().expires().toString());
                                        e.put("created_at", a.entry().at().toString());
                                        return e;
                                    })
                                    .toList());
                    ctx.json(out);
                }));
    }

    private static Map<String, Object> view(InstanceSettings.Current c) {
        var out = new LinkedHashMap<String, Object>();
        out.put("name", c.name());
        out.put("description", c.description());
        out.put("rules", c.rules());
        out.put("registrations", c.registrations().wire());
        out.put("application_question", c.applicationQuestion());
        // Which values an admin set here (the rest come from config/kindred.toml).
        out.put("set_here", c.fromDatabase());
        return out;
    }

    private Member admin(Context ctx) {
        var m = member.apply(ctx);
        if (m.role() != Role.ADMIN) throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
        return m;
    }
}
