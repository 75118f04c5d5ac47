package app.kindred.web.pages;

import app.kindred.config.Config;
import app.kindred.instance.InstanceSettings;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.registration.Registrations;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admins' last pages (issue 15, admin7): the instance's settings changed at run time (stored in
 * the database, overriding config/kindred.toml), and the queue of applications when sign-up is by
 * application. The same services as the API and the command line; anyone but an admin is refused.
 */
public final class AdminSettingsPages {
    private static final String[] FIELDS = InstanceSettings.KEYS.toArray(String[]::new);

    /** The instance settings form: what is in force and where each value comes from. */
    public record InstanceForm(
            InstanceSettings.Current current, Form form, boolean saved, Config.Federation federation, String domain) {}

    /** The applications waiting; {@code form} carries a refusal's reason back when it was refused. */
    public record ApplicationsPage(List<Registrations.Waiting> waiting, Form form, String done) {}

    private final Site site;
    private final Config config;
    private final InstanceSettings settings;
    private final Registrations registrations;

    public AdminSettingsPages(Site site, Config config, InstanceSettings settings, Registrations registrations) {
        this.site = site;
        this.config = config;
        this.settings = settings;
        this.registrations = registrations;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/instance", ctx -> instance(ctx, 200, null));
        routes.post("/admin/instance", this::save);
        routes.post("/admin/instance/reset", this::reset);
        routes.get("/admin/applications", ctx -> applications(ctx, 200, Form.empty()));
        routes.post("/admin/applications/{name}/approve", this::approve);
        routes.post("/admin/applications/{name}/refuse", this::refuse);
    }

    private Member admin(Context ctx) {
        var member = site.member(ctx);
        if (member.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, site.messages(ctx).t("admin.forbidden"));
        return member;
    }

    private void instance(Context ctx, int status, Form form) {
        admin(ctx);
        var m = site.messages(ctx);
        var current = settings.current();
        if (form == null) {
            var values = new LinkedHashMap<String, String>();
            values.put("name", current.name());
            values.put("description", current.description());
            values.put("rules", current.rules());
            values.put("registrations", current.registrations().wire());
            values.put("application_question", current.applicationQuestion());
            form = Form.of(values);
        }
        site.send(
                ctx,
                status,
                "admin/instance.jte",
                site.chrome(
                        ctx,
                        m.t("admin.instance.title"),
                        new Crumb(m.t("admin.title"), "/admin"),
                        new Crumb(m.t("admin.instance.title"), "/admin/instance")),
                new InstanceForm(
                        current,
                        form,
                        "1".equals(ctx.queryParam("saved")),
                        config.federation(),
                        config.instance().domain()));
    }

    private void save(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, FIELDS);
        if (!site.sessions().csrfValid(ctx)) {
            instance(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        // Only what changed is stored here: a value left as the file has it keeps following the file.
        var current = settings.current();
        var before = Map.of(
                "name", current.name(),
                "description", current.description(),
                "rules", current.rules(),
                "registrations", current.registrations().wire(),
                "application_question", current.applicationQuestion());
        var changes = new LinkedHashMap<String, String>();
        for (var e : values.entrySet()) {
            var typed = e.getValue().replace("\r\n", "\n");
            if (!typed.strip().equals(before.get(e.getKey()).strip())) changes.put(e.getKey(), typed);
        }
        try {
            settings.set(admin.username(), changes);
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            instance(ctx, 422, Site.refused(values, r, Map.of()));
            return;
        }
        Site.seeOther(ctx, "/admin/instance?saved=1");
    }

    private void reset(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var key = ctx.formParam("key");
        try {
            settings.reset(admin.username(), key == null ? "" : key);
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            instance(ctx, 422, new Form(Map.of(), List.of(new FieldError(null, Site.sentence(r.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/admin/instance?saved=1");
    }

    private void applications(Context ctx, int status, Form form) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var done = ctx.queryParam("done");
        site.send(
                ctx,
                status,
                "admin/applications.jte",
                site.chrome(
                        ctx,
                        m.t("admin.applications.title"),
                        new Crumb(m.t("admin.title"), "/admin"),
                        new Crumb(m.t("admin.applications.title"), "/admin/applications")),
                new ApplicationsPage(
                        registrations.waiting(admin),
                        form,
                        "approved".equals(done) || "refused".equals(done) ? done : null));
    }

    private void approve(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        try {
            registrations.approve(admin, ctx.pathParam("name"));
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN || r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            applications(ctx, 409, new Form(Map.of(), List.of(new FieldError(null, Site.sentence(r.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/admin/applications?done=approved");
    }

    private void refuse(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var name = ctx.pathParam("name");
        var field = "reason-" + name;
        var values = Site.fields(ctx, "reason");
        var kept = Map.of(field, values.get("reason"));
        if (!site.sessions().csrfValid(ctx)) {
            applications(ctx, 403, new Form(kept, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        try {
            registrations.refuse(admin, name, values.get("reason"));
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN || r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            var at = "reason".equals(r.field()) ? field : null;
            applications(ctx, 422, new Form(kept, List.of(new FieldError(at, Site.sentence(r.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/admin/applications?done=refused");
    }
}
