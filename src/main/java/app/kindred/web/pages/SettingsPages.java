package app.kindred.web.pages;

import app.kindred.member.MemberService;
import app.kindred.member.SessionService;
import app.kindred.refusal.Refusal;
import app.kindred.web.pages.HomeViews.SessionRow;
import app.kindred.web.pages.HomeViews.SettingsPage;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The account settings hub: change the password (the current one first), see and end sessions,
 * and choose whether content warnings start open. Distance, export and deleting the account have
 * pages of their own, linked from here.
 */
public final class SettingsPages {
    private final Site site;
    private final MemberService members;
    private final SessionService sessions;

    public SettingsPages(Site site, MemberService members, SessionService sessions) {
        this.site = site;
        this.members = members;
        this.sessions = sessions;
    }

    public void register(RoutesConfig routes) {
        routes.get("/settings", ctx -> {
            site.member(ctx);
            show(ctx, 200, Form.empty());
        });
        routes.post("/settings/password", this::changePassword);
        routes.post("/settings/sessions/{id}/end", this::endSession);
        routes.post("/settings/sessions/end-others", this::endOthers);
        routes.post("/settings/warnings", this::warnings);
    }

    private void show(Context ctx, int status, Form password) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var rows = sessions.sessions(site.sessions().sessionToken(ctx)).stream()
                .map(s -> new SessionRow(s.id(), s.createdAt(), s.lastUsedAt(), s.expiresAt(), s.current()))
                // This browser first: the one a member recognises, and the others read against it.
                .sorted(Comparator.comparing((SessionRow s) -> !s.current()))
                .toList();
        site.send(
                ctx,
                status,
                "settings.jte",
                site.chrome(ctx, m.t("settings.title"), new Crumb(m.t("settings.title"), "/settings")),
                new SettingsPage(password, rows, members.preferences(member).contentWarningsOpen()));
    }

    private void changePassword(Context ctx) {
        site.member(ctx);
        var m = site.messages(ctx);
        // Passwords are never sent back into the page; the fields come back empty, each with its problem.
        var values = new LinkedHashMap<String, String>();
        values.put("current_password", "");
        values.put("new_password", "");
        if (!site.sessions().csrfValid(ctx)) {
            show(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        var current = ctx.formParam("current_password");
        var fresh = ctx.formParam("new_password");
        if (current == null || current.isEmpty()) {
            show(
                    ctx,
                    422,
                    new Form(values, List.of(new FieldError("current_password", m.t("settings.currentMissing")))));
            return;
        }
        try {
            sessions.changePassword(site.sessions().sessionToken(ctx), current, fresh);
        } catch (Refusal r) {
            var field = "current_password".equals(r.field()) ? "current_password" : "new_password";
            var message =
                    field.equals("current_password") ? m.t("settings.currentWrong") : Site.sentence(r.getMessage());
            show(ctx, 422, new Form(values, List.of(new FieldError(field, message))));
            return;
        }
        Site.seeOther(ctx, "/settings?passwordChanged=1");
    }

    private void endSession(Context ctx) {
        site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("you have no such session");
        }
        var token = site.sessions().sessionToken(ctx);
        if (sessions.sessions(token).stream().anyMatch(s -> s.id() == id && s.current())) {
            // Ending this very session is signing out, cookie and all.
            site.sessions().signOut(ctx);
            Site.seeOther(ctx, "/?signedOut=1");
            return;
        }
        try {
            sessions.end(token, id);
        } catch (Refusal r) {
            // Ended already (in another tab): the list shows what is left.
            if (r.kind() != Refusal.Kind.NOT_FOUND) throw r;
        }
        Site.seeOther(ctx, "/settings?sessionEnded=1");
    }

    private void endOthers(Context ctx) {
        site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        sessions.endOthers(site.sessions().sessionToken(ctx));
        Site.seeOther(ctx, "/settings?othersEnded=1");
    }

    private void warnings(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        members.setContentWarningsOpen(member, "open".equals(ctx.formParam("content_warnings")));
        Site.seeOther(ctx, "/settings?settingsSaved=1#warnings");
    }
}
