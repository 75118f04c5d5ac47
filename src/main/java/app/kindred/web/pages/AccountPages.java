package app.kindred.web.pages;

import app.kindred.instance.InstanceSettings;
import app.kindred.member.SessionService;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.registration.Registrations;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import app.kindred.web.pages.Views.LoginPage;
import app.kindred.web.pages.Views.SignupPage;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Signing up, signing in and signing out in a browser. */
public final class AccountPages {
    private final Site site;
    private final Registrations registrations;
    private final InstanceSettings settings;
    private final SessionService sessions;
    private final RateLimits limits;
    private final Function<Context, String> clientKey;

    public AccountPages(
            Site site,
            Registrations registrations,
            InstanceSettings settings,
            SessionService sessions,
            RateLimits limits,
            Function<Context, String> clientKey) {
        this.limits = limits;
        this.clientKey = clientKey;
        this.site = site;
        this.registrations = registrations;
        this.settings = settings;
        this.sessions = sessions;
    }

    public void register(RoutesConfig routes) {
        routes.get("/signup", ctx -> signupPage(ctx, 200, Form.empty()));
        routes.post("/signup", this::signUp);
        routes.get(
                "/signup/applied",
                ctx -> site.send(
                        ctx,
                        "application-status.jte",
                        site.chrome(ctx, site.messages(ctx).t("application.title")),
                        site.messages(ctx).t("application.sent")));
        routes.get("/login", ctx -> loginPage(ctx, 200, Form.empty(), ctx.queryParam("next")));
        routes.post("/login", this::logIn);
        routes.post("/logout", this::logOut);
    }

    private void signupPage(Context ctx, int status, Form form) {
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "signup.jte",
                site.withFormToken(
                        ctx, site.chrome(ctx, m.t("signup.title"), new Crumb(m.t("signup.title"), "/signup"))),
                signupPage(settings.current(), form));
    }

    private static SignupPage signupPage(InstanceSettings.Current current, Form form) {
        var mode = current.registrations();
        return new SignupPage(
                mode != InstanceSettings.Registrations.CLOSED,
                form,
                mode == InstanceSettings.Registrations.APPLICATION ? current.applicationQuestion() : null,
                current.description(),
                current.rules()
                        .lines()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .toList());
    }

    private void loginPage(Context ctx, int status, Form form, String next) {
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "login.jte",
                site.withFormToken(ctx, site.chrome(ctx, m.t("login.title"), new Crumb(m.t("login.title"), "/login"))),
                new LoginPage(form, Site.localPath(next)));
    }

    private void signUp(Context ctx) {
        var m = site.messages(ctx);
        // The password is never sent back into the page.
        var values = Site.fields(ctx, "username", "answer");
        var password = ctx.formParam("password");
        if (settings.registrations() == InstanceSettings.Registrations.CLOSED) {
            site.error(ctx, 403, m.t("signup.closed"));
            return;
        }
        if (!site.sessions().csrfValid(ctx)) {
            signupPage(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        // The same limit as the API's sign-up: past it a page says how long to wait (429).
        limits.take(Limit.SIGN_UP, clientKey.apply(ctx));
        Registrations.Outcome outcome;
        try {
            outcome = registrations.signUp(values.get("username"), password, values.get("answer"));
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN) {
                site.error(ctx, 403, m.t("signup.closed"));
                return;
            }
            var fields = new LinkedHashMap<>(values);
            fields.put("password", "");
            signupPage(ctx, 422, Site.refused(fields, r, Map.of("name", "username")));
            return;
        }
        switch (outcome) {
            case Registrations.Outcome.Joined joined -> {
                site.sessions().signIn(ctx, sessions.logIn(values.get("username"), password, clientKey.apply(ctx)));
                Site.seeOther(ctx, "/?welcome=1");
            }
            // Nothing to sign in to yet: the applicant is told what happens next.
            case Registrations.Outcome.Applied applied -> Site.seeOther(ctx, "/signup/applied");
        }
    }

    private void logIn(Context ctx) {
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "username");
        var next = Site.localPath(ctx.formParam("next"));
        if (!site.sessions().csrfValid(ctx)) {
            loginPage(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))), next);
            return;
        }
        SessionService.Issued issued;
        try {
            issued = sessions.logIn(values.get("username"), ctx.formParam("password"), clientKey.apply(ctx));
        } catch (Refusal r) {
            // An applicant (issue 15): where their application stands, on a page of its own, kindly.
            if (r.kind() == Refusal.Kind.FORBIDDEN && SessionService.APPLICATION.equals(r.field())) {
                site.send(
                        ctx,
                        403,
                        "application-status.jte",
                        site.chrome(ctx, m.t("application.title")),
                        Site.sentence(r.getMessage()));
                return;
            }
            // Suspended (issue 15): said only after the right password, so it tells nobody else anything.
            if (r.kind() == Refusal.Kind.FORBIDDEN) {
                loginPage(
                        ctx,
                        403,
                        new Form(values, List.of(new FieldError("username", Site.sentence(r.getMessage())))),
                        next);
                return;
            }
            // One message for both fields: which of the two was wrong is not said, so names stay private.
            loginPage(ctx, 401, new Form(values, List.of(new FieldError("username", m.t("login.wrong")))), next);
            return;
        }
        site.sessions().signIn(ctx, issued);
        // Signing in during the grace period cancelled the account's deletion: the member is told at once.
        Site.seeOther(ctx, issued.deletionCancelled() ? "/?deletionCancelled=1" : next);
    }

    private void logOut(Context ctx) {
        if (site.refuseWithoutToken(ctx)) return;
        site.sessions().signOut(ctx);
        Site.seeOther(ctx, "/?signedOut=1");
    }
}
