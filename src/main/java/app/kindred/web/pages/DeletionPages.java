package app.kindred.web.pages;

import app.kindred.care.AccountDeletions;
import app.kindred.refusal.Refusal;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * /settings/delete (issue 18): says plainly what deleting the account does, what stays and how long
 * the grace period is, then asks for the password and whether posts are deleted or kept. After it the
 * member is signed out everywhere; signing in again during the grace cancels the deletion.
 */
public final class DeletionPages {
    public static final String PATH = "/settings/delete";

    /**
     * @param graceDays the grace period in whole days (0: at once); {@code graceText} as the page says it
     */
    public record DeleteAccountPage(Form form, long graceDays, String graceText) {}

    private final Site site;
    private final AccountDeletions deletions;

    public DeletionPages(Site site, AccountDeletions deletions) {
        this.site = site;
        this.deletions = deletions;
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> page(ctx, 200, Form.empty()));
        routes.post(PATH, this::schedule);
    }

    private void page(Context ctx, int status, Form form) {
        site.member(ctx);
        var m = site.messages(ctx);
        var grace = deletions.grace();
        var text = grace.isZero()
                ? m.t("deleteAccount.grace.none")
                : grace.toDays() >= 1
                        ? m.t("deleteAccount.grace.days", grace.toDays())
                        : m.t("deleteAccount.grace.hours", Math.max(1, grace.toHours()));
        site.send(
                ctx,
                status,
                "settings-delete.jte",
                site.chrome(
                        ctx,
                        m.t("deleteAccount.title"),
                        new Crumb(m.t("deleteAccount.settings"), "/settings"),
                        new Crumb(m.t("deleteAccount.title"), PATH)),
                new DeleteAccountPage(form, grace.toDays(), text));
    }

    private void schedule(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        // The password is never sent back into the page; the choice is.
        var values = Site.fields(ctx, "keep_posts");
        if (!site.sessions().csrfValid(ctx)) {
            page(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        var errors = new ArrayList<FieldError>();
        var choice = values.get("keep_posts");
        Boolean keep = choice.equals("true") ? Boolean.TRUE : choice.equals("false") ? Boolean.FALSE : null;
        if (keep == null) errors.add(new FieldError("keep_posts", m.t("deleteAccount.choose")));
        var password = ctx.formParam("password");
        if (password == null || password.isEmpty())
            errors.add(new FieldError("password", m.t("deleteAccount.password.missing")));
        if (!errors.isEmpty()) {
            page(ctx, 422, new Form(values, List.copyOf(errors)));
            return;
        }
        try {
            deletions.schedule(member, password, keep);
        } catch (Refusal r) {
            var field = "password".equals(r.field()) ? "password" : null;
            var message = "password".equals(field)
                    ? m.t("deleteAccount.password.wrong")
                    : "role".equals(r.field()) ? m.t("deleteAccount.lastAdmin") : Site.sentence(r.getMessage());
            page(ctx, CommunityPages.status(r), new Form(values, List.of(new FieldError(field, message))));
            return;
        }
        // Every session ended with the scheduling; the browser forgets its cookie too.
        site.sessions().forgetEnded(ctx);
        Site.seeOther(
                ctx, deletions.grace().compareTo(Duration.ZERO) == 0 ? "/?accountDeleted=1" : "/?deletionScheduled=1");
    }
}
