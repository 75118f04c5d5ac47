package app.kindred.web.pages;

import app.kindred.actor.DomainPattern;
import app.kindred.audit.AuditLog;
import app.kindred.care.Care;
import app.kindred.care.CrisisResource;
import app.kindred.config.Config;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.member.Accounts;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.policy.Blocklist;
import app.kindred.policy.DomainBlock;
import app.kindred.policy.PolicyService;
import app.kindred.refusal.Refusal;
import app.kindred.report.ReportService;
import app.kindred.web.pages.AdminViews.AuditPage;
import app.kindred.web.pages.AdminViews.ConfirmBlockPage;
import app.kindred.web.pages.AdminViews.ConfirmSuspendPage;
import app.kindred.web.pages.AdminViews.DomainsPage;
import app.kindred.web.pages.AdminViews.FederationPage;
import app.kindred.web.pages.AdminViews.HubPage;
import app.kindred.web.pages.AdminViews.ImportPage;
import app.kindred.web.pages.AdminViews.MemberPage;
import app.kindred.web.pages.AdminViews.MembersPage;
import app.kindred.web.pages.AdminViews.ResetPage;
import app.kindred.web.pages.Views.Chrome;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The admins' workspace (issue 15): federation health, domain blocks and the allowlist, members,
 * the instance's settings and the audit log. Every act calls the feature services the API and the
 * command line call, so the rules are theirs; anyone but an instance admin is refused every page.
 * A member opens a password reset link an admin handed them at {@code /reset/{token}}.
 */
public final class AdminPages {
    /** Flags in the address after an act (?done=blocked), each one fixed sentence. */
    private static final List<String> DONE = List.of(
            "blocked", "unblocked", "allowed", "unallowed", "imported", "retried", "suspended", "unsuspended", "role");

    private static final String[] BLOCK_FIELDS = {
        "domain",
        "severity",
        "reject_media",
        "reject_reports",
        "public_comment",
        "private_comment",
        "obfuscate",
        "reason",
        "confirm",
        "allow_domain"
    };

    private static final int MEMBERS_SHOWN = 100, AUDIT_SHOWN = 200;

    private final Site site;
    private final Config config;
    private final Accounts accounts;
    private final PolicyService policy;
    private final DeliveryStatus delivery;
    private final AuditLog audit;
    private final Care care;
    private final ReportService reports;
    private final ModerationService moderation;

    public AdminPages(
            Site site,
            Config config,
            Accounts accounts,
            PolicyService policy,
            DeliveryStatus delivery,
            AuditLog audit,
            Care care,
            ReportService reports,
            ModerationService moderation) {
        this.reports = reports;
        this.moderation = moderation;
        this.care = care;
        this.site = site;
        this.config = config;
        this.accounts = accounts;
        this.policy = policy;
        this.delivery = delivery;
        this.audit = audit;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin", this::hub);
        routes.get("/admin/federation", ctx -> federation(ctx, 200, Form.empty()));
        routes.post("/admin/federation/retry", this::retry);
        routes.get("/admin/domains", ctx -> domains(ctx, 200, Form.empty()));
        routes.post("/admin/domains/block", this::block);
        routes.post("/admin/domains/unblock", this::unblock);
        routes.post("/admin/domains/allow", this::allow);
        routes.post("/admin/domains/unallow", this::unallow);
        routes.get("/admin/domains/import", ctx -> importPage(ctx, 200, Form.empty(), null, null));
        routes.post("/admin/domains/import", ctx -> importBlocklist(ctx, false));
        routes.post("/admin/domains/import/apply", ctx -> importBlocklist(ctx, true));
        routes.get("/admin/domains/export", this::export);
        routes.get("/admin/members", this::members);
        routes.get("/admin/members/{name}", ctx -> member(ctx, 200, Form.empty(), null));
        routes.post("/admin/members/{name}/role", this::role);
        routes.get("/admin/members/{name}/suspend", ctx -> confirmSuspend(ctx, 200, Form.empty()));
        routes.post("/admin/members/{name}/suspend", this::suspend);
        routes.post("/admin/members/{name}/unsuspend", this::unsuspend);
        routes.post("/admin/members/{name}/reset", this::reset);
        routes.get("/admin/audit", this::auditLog);
        routes.get("/admin/resources", ctx -> resources(ctx, 200, null));
        routes.post("/admin/resources", this::saveResources);
        routes.get("/reset/{token}", ctx -> resetPage(ctx, 200, Form.empty()));
        routes.post("/reset/{token}", this::redeem);
    }

    /** The signed-in admin; a visitor is sent to sign in, anyone else is refused. */
    private Member admin(Context ctx) {
        var member = site.member(ctx);
        if (member.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, site.messages(ctx).t("admin.forbidden"));
        return member;
    }

    private Chrome chrome(Context ctx, String title, Crumb... more) {
        var m = site.messages(ctx);
        var crumbs = new ArrayList<Crumb>();
        crumbs.add(new Crumb(m.t("admin.title"), "/admin"));
        crumbs.addAll(List.of(more));
        var chrome = site.chrome(ctx, title, crumbs.toArray(Crumb[]::new));
        var done = ctx.queryParam("done");
        if (done == null || !DONE.contains(done)) return chrome;
        return new Chrome(
                chrome.m(),
                chrome.title(),
                chrome.instanceName(),
                chrome.viewer(),
                chrome.csrf(),
                chrome.crumbs(),
                chrome.helpInHeader(),
                chrome.warningsOpen(),
                m.t("admin.done." + done),
                chrome.unread(),
                chrome.openReports(),
                chrome.admin());
    }

    private void hub(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var hosts = delivery.hosts();
        int trouble = (int) hosts.stream()
                .filter(h -> h.health() != DeliveryStatus.Health.HEALTHY)
                .count();
        site.send(
                ctx,
                "admin/hub.jte",
                chrome(ctx, m.t("admin.title")),
                new HubPage(hosts.size(), trouble, policy.list().size(), allowlistMode(), accounts.count(admin)));
    }

    private boolean allowlistMode() {
        return config.federation().mode().equals("allowlist");
    }

    // Federation.

    private void federation(Context ctx, int status, Form form) {
        admin(ctx);
        var m = site.messages(ctx);
        var activity = ctx.queryParam("activity");
        List<DeliveryStatus.DeliveryRow> deliveries = null;
        if (activity != null && !activity.isBlank()) {
            activity = activity.strip();
            deliveries = delivery.activity(activity);
            if (deliveries.isEmpty() && form.errors().isEmpty()) {
                form = new Form(
                        Map.of("activity", activity), List.of(new FieldError("activity", m.t("admin.fed.noActivity"))));
            }
        }
        site.send(
                ctx,
                status,
                "admin/federation.jte",
                chrome(ctx, m.t("admin.fed.title"), new Crumb(m.t("admin.fed.title"), "/admin/federation")),
                new FederationPage(delivery.hosts(), delivery.waitingFanouts(), activity, deliveries, form));
    }

    private void retry(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var host = ctx.formParam("host");
        if (host == null || host.isBlank()) throw Refusal.invalid("host", "say which host to try again");
        delivery.retryNow(host, admin.username());
        Site.seeOther(ctx, "/admin/federation?done=retried");
    }

    // Domain blocks and the allowlist.

    private void domains(Context ctx, int status, Form form) {
        admin(ctx);
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "admin/domains.jte",
                chrome(ctx, m.t("admin.domains.title"), new Crumb(m.t("admin.domains.title"), "/admin/domains")),
                new DomainsPage(policy.list(), policy.allowed(), allowlistMode(), form));
    }

    private void block(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, BLOCK_FIELDS);
        if (!site.sessions().csrfValid(ctx)) {
            domains(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        DomainBlock block;
        try {
            var domain = DomainPattern.parse(values.get("domain"));
            if (values.get("severity").isEmpty())
                throw Refusal.invalid("severity", m.t("admin.domains.severityNeeded"));
            block = new DomainBlock(
                    domain,
                    DomainBlock.Severity.parse(values.get("severity")),
                    "yes".equals(values.get("reject_media")),
                    "yes".equals(values.get("reject_reports")),
                    values.get("public_comment").strip(),
                    values.get("private_comment").strip(),
                    "yes".equals(values.get("obfuscate")),
                    null);
        } catch (Refusal r) {
            var field = "severity".equals(r.field()) ? "severity" : "domain";
            domains(ctx, 422, new Form(values, List.of(new FieldError(field, Site.sentence(r.getMessage())))));
            return;
        }
        // A suspend cuts follows both ways: it is said first, on its own page, and done only when confirmed.
        if (block.severity() == DomainBlock.Severity.SUSPEND && !"yes".equals(values.get("confirm"))) {
            var confirm = new LinkedHashMap<>(values);
            confirm.put("domain", block.domain().toString());
            site.send(
                    ctx,
                    "admin/confirm-block.jte",
                    chrome(
                            ctx,
                            m.t("admin.confirmBlock.title", block.domain().toString()),
                            new Crumb(m.t("admin.domains.title"), "/admin/domains")),
                    new ConfirmBlockPage(block.domain().toString(), policy.preview(block.domain()), confirm));
            return;
        }
        policy.block(block, admin.username(), values.get("reason").strip());
        Site.seeOther(ctx, "/admin/domains?done=blocked");
    }

    private void unblock(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        policy.unblock(DomainPattern.parse(ctx.formParam("domain")), admin.username(), "");
        Site.seeOther(ctx, "/admin/domains?done=unblocked");
    }

    private void allow(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, BLOCK_FIELDS);
        if (!site.sessions().csrfValid(ctx)) {
            domains(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        try {
            policy.allow(DomainPattern.parse(values.get("allow_domain")), admin.username());
        } catch (Refusal r) {
            domains(ctx, 422, new Form(values, List.of(new FieldError("allow_domain", Site.sentence(r.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/admin/domains?done=allowed");
    }

    private void unallow(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        policy.unallow(DomainPattern.parse(ctx.formParam("domain")), admin.username());
        Site.seeOther(ctx, "/admin/domains?done=unallowed");
    }

    private void importPage(
            Context ctx, int status, Form form, List<PolicyService.LineFate> lines, PolicyService.ImportReport report) {
        admin(ctx);
        var m = site.messages(ctx);
        boolean applicable = lines != null
                && report != null
                && lines.stream().noneMatch(l -> l.fate() == PolicyService.Fate.INVALID)
                && (!report.added().isEmpty() || !report.changed().isEmpty());
        site.send(
                ctx,
                status,
                "admin/import.jte",
                chrome(
                        ctx,
                        m.t("admin.import.title"),
                        new Crumb(m.t("admin.domains.title"), "/admin/domains"),
                        new Crumb(m.t("admin.import.title"), "/admin/domains/import")),
                new ImportPage(form, lines, report, applicable));
    }

    /** A check shows each line's fate and changes nothing; applying runs the same check again first. */
    private void importBlocklist(Context ctx, boolean apply) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "blocklist");
        if (!site.sessions().csrfValid(ctx)) {
            importPage(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))), null, null);
            return;
        }
        var text = values.get("blocklist");
        if (text.isBlank()) {
            importPage(
                    ctx,
                    422,
                    new Form(values, List.of(new FieldError("blocklist", m.t("admin.import.empty")))),
                    null,
                    null);
            return;
        }
        var lines = policy.importPreview(text);
        boolean invalid = lines.stream().anyMatch(l -> l.fate() == PolicyService.Fate.INVALID);
        if (invalid) {
            importPage(
                    ctx,
                    422,
                    new Form(values, List.of(new FieldError("blocklist", m.t("admin.import.invalid")))),
                    lines,
                    null);
            return;
        }
        if (!apply) {
            importPage(ctx, 200, Form.of(values), lines, policy.importBlocklist(text, true, admin.username()));
            return;
        }
        policy.importBlocklist(text, false, admin.username());
        Site.seeOther(ctx, "/admin/domains?done=imported");
    }

    private void export(Context ctx) {
        admin(ctx);
        var plain = "plain".equals(ctx.queryParam("format"));
        ctx.header("Content-Disposition", "attachment; filename=\"blocklist." + (plain ? "txt" : "csv") + "\"");
        ctx.contentType(plain ? "text/plain; charset=utf-8" : "text/csv; charset=utf-8")
                .result(Blocklist.export(policy.list(), plain ? Blocklist.Format.PLAIN : Blocklist.Format.CSV, false));
    }

    // Members.

    private void members(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var query = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
        site.send(
                ctx,
                "admin/members.jte",
                chrome(ctx, m.t("admin.members.title"), new Crumb(m.t("admin.members.title"), "/admin/members")),
                new MembersPage(query, accounts.list(admin, query, MEMBERS_SHOWN)));
    }

    private void member(Context ctx, int status, Form form, String resetLink) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var account = accounts.find(admin, ctx.pathParam("name"));
        site.send(
                ctx,
                status,
                "admin/member.jte",
                chrome(
                        ctx,
                        account.username(),
                        new Crumb(m.t("admin.members.title"), "/admin/members"),
                        new Crumb(account.username(), "/admin/members/" + account.username())),
                new MemberPage(
                        account,
                        account.username().equals(admin.username()),
                        form,
                        resetLink,
                        reports.aboutMember(admin, account.actorId()),
                        moderation.historyOf(admin, account.actorId()),
                        moderation.notes().everywhere(admin, account.actorId())));
    }

    private void role(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var name = ctx.pathParam("name");
        var values = Site.fields(ctx, "role");
        if (!site.sessions().csrfValid(ctx)) {
            member(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))), null);
            return;
        }
        var role = switch (values.get("role")) {
            case "admin" -> Role.ADMIN;
            case "member" -> Role.MEMBER;
            default -> null;
        };
        try {
            if (role == null) throw Refusal.invalid("role", m.t("admin.member.roleNeeded"));
            accounts.setRole(admin, name, role);
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            member(ctx, 422, new Form(values, List.of(new FieldError("role", Site.sentence(r.getMessage())))), null);
            return;
        }
        Site.seeOther(ctx, "/admin/members/" + name + "?done=role");
    }

    private void confirmSuspend(Context ctx, int status, Form form) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var account = accounts.find(admin, ctx.pathParam("name"));
        site.send(
                ctx,
                status,
                "admin/confirm-suspend.jte",
                chrome(
                        ctx,
                        m.t("admin.suspend.title", account.username()),
                        new Crumb(m.t("admin.members.title"), "/admin/members"),
                        new Crumb(account.username(), "/admin/members/" + account.username())),
                new ConfirmSuspendPage(account, form));
    }

    private void suspend(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var name = ctx.pathParam("name");
        var values = Site.fields(ctx, "reason");
        if (!site.sessions().csrfValid(ctx)) {
            confirmSuspend(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        try {
            if (values.get("reason").isBlank()) throw Refusal.invalid("reason", m.t("admin.suspend.reasonNeeded"));
            accounts.suspend(admin, name, values.get("reason").strip());
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            confirmSuspend(
                    ctx, 422, new Form(values, List.of(new FieldError("reason", Site.sentence(r.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/admin/members/" + name + "?done=suspended");
    }

    private void unsuspend(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var name = ctx.pathParam("name");
        try {
            accounts.unsuspend(admin, name, "");
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            member(ctx, 409, new Form(Map.of(), List.of(new FieldError(null, Site.sentence(r.getMessage())))), null);
            return;
        }
        Site.seeOther(ctx, "/admin/members/" + name + "?done=unsuspended");
    }

    /** The link is shown on this answer only (not in an address, not stored): the admin passes it on. */
    private void reset(Context ctx) {
        var admin = admin(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var name = ctx.pathParam("name");
        Accounts.Reset reset;
        try {
            reset = accounts.issueReset(admin, name);
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            member(ctx, 409, new Form(Map.of(), List.of(new FieldError(null, Site.sentence(r.getMessage())))), null);
            return;
        }
        ctx.header("Cache-Control", "no-store");
        member(ctx, 200, Form.empty(), config.instance().baseUri() + "/reset/" + reset.token());
    }

    // The instance and the audit log.

    private void auditLog(Context ctx) {
        admin(ctx);
        var m = site.messages(ctx);
        site.send(
                ctx,
                "admin/audit.jte",
                chrome(ctx, m.t("admin.audit.title"), new Crumb(m.t("admin.audit.title"), "/admin/audit")),
                new AuditPage(audit.recent(AUDIT_SHOWN)));
    }

    // The instance's crisis resources (issue 16), shown on the help page and with every community's own.

    private void resources(Context ctx, int status, Form form) {
        admin(ctx);
        var m = site.messages(ctx);
        if (form == null) {
            form = Form.of(Map.of(
                    "resources",
                    care.instanceResources().stream()
                            .map(r -> String.join(" | ", r.name(), r.contact(), r.hours(), r.region(), r.language())
                                    .replaceAll("( \\| )+$", ""))
                            .collect(Collectors.joining("\n"))));
        }
        site.send(
                ctx,
                status,
                "admin/resources.jte",
                chrome(ctx, m.t("admin.resources.title"), new Crumb(m.t("admin.resources.title"), "/admin/resources")),
                form);
    }

    private void saveResources(Context ctx) {
        var admin = admin(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "resources");
        if (!site.sessions().csrfValid(ctx)) {
            resources(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        try {
            care.setInstanceResources(
                    admin, CrisisResource.parse(CommunityCarePages.resourcesJson(values.get("resources"))));
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            resources(ctx, 422, new Form(values, List.of(new FieldError("resources", Site.sentence(r.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/admin/resources?done=resources");
    }

    // A member's password reset link.

    private void resetPage(Context ctx, int status, Form form) {
        var m = site.messages(ctx);
        var username = accounts.resetFor(ctx.pathParam("token")).orElse(null);
        // The token is a secret in the address: no referrer carries it elsewhere, no cache keeps the page.
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        site.send(
                ctx,
                username == null && status == 200 ? 404 : status,
                "admin/reset.jte",
                site.withFormToken(ctx, site.chrome(ctx, m.t("reset.title"))),
                new ResetPage(username, form));
    }

    private void redeem(Context ctx) {
        var m = site.messages(ctx);
        if (!site.sessions().csrfValid(ctx)) {
            resetPage(ctx, 403, new Form(Map.of(), List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        var password = ctx.formParam("password");
        if (password != null && !password.equals(ctx.formParam("password_again"))) {
            resetPage(ctx, 422, new Form(Map.of(), List.of(new FieldError("password_again", m.t("reset.mismatch")))));
            return;
        }
        String who;
        try {
            who = accounts.redeemReset(ctx.pathParam("token"), password);
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND) {
                resetPage(ctx, 404, Form.empty());
                return;
            }
            resetPage(ctx, 422, new Form(Map.of(), List.of(new FieldError("password", Site.sentence(r.getMessage())))));
            return;
        }
        // Every session of the account ended, this browser's too when it was theirs: they sign in afresh.
        if (site.sessions()
                .member(ctx)
                .map(signedIn -> signedIn.username().equals(who))
                .orElse(false)) site.sessions().forgetEnded(ctx);
        Site.seeOther(ctx, "/login?passwordChanged=1");
    }
}
