package app.kindred.web.pages;

import app.kindred.community.Rule;
import app.kindred.content.HtmlSanitizer;
import app.kindred.member.Member;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.report.Category;
import app.kindred.report.Concern;
import app.kindred.report.Filing;
import app.kindred.report.ReportService;
import app.kindred.report.ReportService.Detail;
import app.kindred.report.ReportStatus;
import app.kindred.report.ReportStore;
import app.kindred.thread.Discussions;
import app.kindred.web.pages.ModViews.EscalationRow;
import app.kindred.web.pages.ModViews.Extras;
import app.kindred.web.pages.ModViews.FilingRow;
import app.kindred.web.pages.ModViews.NoteRow;
import app.kindred.web.pages.ModViews.QueuePage;
import app.kindred.web.pages.ModViews.QueueRow;
import app.kindred.web.pages.ModViews.ReportPage;
import app.kindred.web.pages.ModViews.Reported;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The moderators' workspace (issue 15): the report queue across every community one moderates (or
 * one at a time), each report on its own page, and the acts a moderator takes from it. Every act
 * goes through {@link ModerationService} and {@link ReportService}, so the rules are the API's; a
 * report this member may not handle is "not found", as in the API.
 */
public final class ModeratorPages {
    /** What a ban form offers, in days; 0 is until lifted. */
    static final List<Integer> BAN_DAYS = List.of(1, 7, 30, 0);

    private static final String[] FIELDS = {
        "remove_reason",
        "lock_reason",
        "ban_reason",
        "ban_days",
        "resolve_note",
        "dismiss_note",
        "resolve",
        "note_text",
        "escalate_note"
    };

    private final Site site;
    private final ReportService reports;
    private final ModerationService moderation;
    private final Discussions discussions;

    public ModeratorPages(Site site, ReportService reports, ModerationService moderation, Discussions discussions) {
        this.site = site;
        this.reports = reports;
        this.moderation = moderation;
        this.discussions = discussions;
    }

    public void register(RoutesConfig routes) {
        routes.get("/mod", this::queue);
        routes.get("/mod/reports/{id}", ctx -> show(ctx, 200, Form.empty()));
        routes.post("/mod/reports/{id}/remove", ctx -> act(ctx, "remove"));
        routes.post("/mod/reports/{id}/lock", ctx -> act(ctx, "lock"));
        routes.post("/mod/reports/{id}/ban", ctx -> act(ctx, "ban"));
        routes.post("/mod/reports/{id}/resolve", ctx -> act(ctx, "resolve"));
        routes.post("/mod/reports/{id}/dismiss", ctx -> act(ctx, "dismiss"));
        // Notes, forwarding and escalation (modset6).
        routes.post("/mod/reports/{id}/note", ctx -> act(ctx, "note"));
        routes.post("/mod/reports/{id}/forward", ctx -> act(ctx, "forward"));
        routes.post("/mod/reports/{id}/escalate", ctx -> act(ctx, "escalate"));
    }

    private void queue(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        Long community = number(ctx.queryParam("community"));
        var statusParam = ctx.queryParam("status") == null ? "open" : ctx.queryParam("status");
        ReportStatus status = statusParam.equals("all") ? null : parse(() -> ReportStatus.parse("status", statusParam));
        var categoryParam = ctx.queryParam("category");
        Category category = categoryParam == null || categoryParam.isEmpty()
                ? null
                : parse(() -> Category.parse("category", categoryParam));
        // Every community this member has reports in, for the choice of one (read before narrowing).
        var all = reports.queue(member, new ReportStore.Filter(null, null, null));
        var communities = new LinkedHashMap<Long, String>();
        for (var d : all)
            if (d.report().communityId() != null) communities.put(d.report().communityId(), d.communityName());
        var shown = reports.queue(member, new ReportStore.Filter(community, status, category));
        var wellbeing = new ArrayList<QueueRow>();
        var complaints = new ArrayList<QueueRow>();
        // Reports a moderator passed up lead an admin's queue, apart from the rest (modset6).
        var escalatedIds = reports.escalatedOpen(member);
        var escalated = new ArrayList<QueueRow>();
        for (var d : all) if (escalatedIds.contains(d.report().id())) escalated.add(row(d));
        for (var d : shown) {
            if (escalatedIds.contains(d.report().id())) continue;
            (d.report().concern() == Concern.WELLBEING ? wellbeing : complaints).add(row(d));
        }
        site.send(
                ctx,
                "mod.jte",
                site.chrome(ctx, m.t("mod.title"), new Crumb(m.t("mod.title"), "/mod")),
                new QueuePage(
                        wellbeing,
                        complaints,
                        communities,
                        community,
                        statusParam,
                        category == null ? "" : category.wire(),
                        community == null ? null : communities.get(community),
                        escalated));
    }

    private QueueRow row(Detail d) {
        var r = d.report();
        return new QueueRow(
                r.id(),
                r.concern().wire(),
                r.status().wire(),
                d.communityName(),
                d.postTitle(),
                r.postId() != null,
                handle(d.subject()),
                r.filings().stream().map(f -> f.category().wire()).distinct().toList(),
                r.filings().size(),
                r.createdAt(),
                d.writtenBy());
    }

    private void show(Context ctx, int status, Form form) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        long id = id(ctx);
        var detail = reports.find(member, id);
        var r = detail.report();
        var rules = r.communityId() == null ? List.<Rule>of() : moderation.rules(r.communityId());
        var filings = new ArrayList<FilingRow>();
        for (int i = 0; i < r.filings().size(); i++) {
            filings.add(filing(r.filings().get(i), detail.reporters().get(i), rules));
        }
        Reported reported = null;
        if (r.postId() != null) {
            reported = discussions
                    .entry(r.postId(), member.actor().id())
                    .map(e -> reported(e, detail))
                    .orElse(null);
        }
        var history = reports.history(member, detail).stream().map(this::row).toList();
        var title = m.t("mod.report.title", id);
        site.send(
                ctx,
                status,
                "modreport.jte",
                site.chrome(ctx, title, new Crumb(m.t("mod.title"), "/mod"), new Crumb(title, "/mod/reports/" + id)),
                new ReportPage(
                        row(detail),
                        r.note(),
                        r.decidedAt(),
                        reported,
                        filings,
                        history,
                        r.open(),
                        r.communityId() != null && detail.subject() != null,
                        BAN_DAYS,
                        form,
                        extras(member, detail)));
    }

    private static Reported reported(Discussions.Entry e, Detail detail) {
        var p = e.post();
        var a = e.author();
        // Moderators read removed content (marked removed) to judge it; a deleted post is the author's to withdraw.
        var body = p.deleted() ? "" : p.local() ? p.contentHtml() : HtmlSanitizer.sanitize(p.contentHtml());
        return new Reported(
                p.id(),
                p.title(),
                body,
                p.summary(),
                p.sensitive(),
                // A pseudonym by its name ("Anonymous member 1"), as everyone else sees it; who wrote it is beside it.
                e.anonymous() != null ? e.anonymous().pseudonym() : a == null ? handle(detail.subject()) : a.handle(),
                a != null && a.local() ? "/u/" + a.name() : null,
                a == null || a.local() ? null : a.domain(),
                p.published(),
                p.isThread(),
                p.deleted(),
                p.removed(),
                p.removalReason(),
                p.lockedAt() != null,
                p.isThread() ? "/p/" + p.id() : "/p/" + p.threadId() + "#c" + p.id());
    }

    /**
     * One filing as a moderator reads it: the reporter named only when they chose to be; otherwise
     * only where it came from (this server, or which other one).
     */
    private static FilingRow filing(Filing f, URI reporter, List<Rule> rules) {
        String ruleTitle = null;
        if (f.rule() != null) {
            for (var rule : rules) if (rule.number() == f.rule()) ruleTitle = rule.title();
        }
        String origin = null;
        if (!f.local()) {
            var from = reporter != null ? reporter : f.flagId() == null ? null : URI.create(f.flagId());
            // The server's name as its addresses give it (with a port when it has one): two servers on one host differ.
            origin = from == null ? "" : from.getAuthority();
        }
        return new FilingRow(
                f.category().wire(),
                f.rule(),
                ruleTitle,
                f.text(),
                origin,
                f.showIdentity() && reporter != null ? handle(reporter) : null,
                f.createdAt());
    }

    private void act(Context ctx, String action) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        long id = id(ctx);
        // Who may not handle this report is told it does not exist, before anything else is looked at.
        var detail = reports.find(member, id);
        var values = Site.fields(ctx, FIELDS);
        if (!site.sessions().csrfValid(ctx)) {
            show(ctx, 403, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        boolean resolve = "yes".equals(values.get("resolve"));
        var r = detail.report();
        String notice;
        try {
            switch (action) {
                case "remove" -> {
                    var reason = required(values, "remove_reason", m.t("mod.reasonNeeded"));
                    moderation.remove(member, post(r.postId()), reason);
                    decideAfter(member, detail, resolve, m.t("mod.note.removed", reason));
                    notice = "postRemoved";
                }
                case "lock" -> {
                    var reason = required(values, "lock_reason", m.t("mod.reasonNeeded"));
                    moderation.lock(member, post(r.postId()), reason, true);
                    decideAfter(member, detail, resolve, m.t("mod.note.locked", reason));
                    notice = "postLocked";
                }
                case "ban" -> {
                    var reason = required(values, "ban_reason", m.t("mod.reasonNeeded"));
                    int days = banDays(values.get("ban_days"), m.t("mod.ban.daysNeeded"));
                    if (r.communityId() == null || detail.subject() == null)
                        throw Refusal.conflict(null, "this report names no community to ban from");
                    Instant expires = days == 0 ? null : Instant.now().plus(Duration.ofDays(days));
                    moderation.ban(
                            member,
                            r.communityId(),
                            new ModerationService.BanRequest(detail.subject().toString(), reason, expires, false));
                    decideAfter(member, detail, resolve, m.t("mod.note.banned", reason));
                    notice = "memberBanned";
                }
                case "resolve" -> {
                    reports.decide(member, id, ReportStatus.RESOLVED, values.get("resolve_note"));
                    notice = "reportResolved";
                }
                case "note" -> {
                    if (r.communityId() == null || detail.subject() == null)
                        throw Refusal.conflict(null, "this report names no community and member to note");
                    moderation
                            .notes()
                            .add(member, r.communityId(), detail.subject().toString(), values.get("note_text"));
                    notice = "noted";
                }
                case "forward" -> {
                    reports.forward(member, id);
                    notice = "forwarded";
                }
                case "escalate" -> {
                    reports.escalate(member, id, values.get("escalate_note"));
                    notice = "escalated";
                }
                default -> {
                    reports.decide(member, id, ReportStatus.DISMISSED, values.get("dismiss_note"));
                    notice = "reportDismissed";
                }
            }
        } catch (Refusal refusal) {
            if (refusal.kind() == Refusal.Kind.NOT_FOUND && refusal.field() == null) throw refusal;
            var field = switch (action) {
                case "remove" -> "remove_reason";
                case "lock" -> "lock_reason";
                case "ban" -> "ban_days".equals(refusal.field()) ? "ban_days" : "ban_reason";
                case "resolve" -> "resolve_note";
                case "note" -> "note_text";
                case "forward" -> null;
                case "escalate" -> "escalate_note";
                default -> "dismiss_note";
            };
            show(ctx, 422, new Form(values, List.of(new FieldError(field, Site.sentence(refusal.getMessage())))));
            return;
        }
        Site.seeOther(ctx, "/mod/reports/" + id + "?" + notice + "=1");
    }

    /** The notes about the member, forwarding and escalation, as this viewer may see them (modset6). */
    private Extras extras(Member viewer, Detail detail) {
        var r = detail.report();
        List<NoteRow> notes = null;
        if (r.communityId() != null && detail.subject() != null) {
            notes = moderation.notes().about(viewer, r.communityId(), detail.subject()).stream()
                    .map(n -> new NoteRow(n.author(), n.text(), n.at()))
                    .toList();
        }
        boolean forwardable = reports.forwardable(viewer, r.id());
        var escalation = reports.escalation(viewer, r.id())
                .map(e -> new EscalationRow(e.by(), e.note(), e.at()))
                .orElse(null);
        return new Extras(
                notes,
                forwardable,
                r.forwardedAt(),
                detail.subject() == null ? null : detail.subject().getAuthority(),
                escalation,
                r.open() && escalation == null);
    }

    /** Resolves the report in the same step when the moderator left the box ticked; one decided meanwhile stays as it is. */
    private void decideAfter(Member member, Detail detail, boolean resolve, String note) {
        if (!resolve || !detail.report().open()) return;
        try {
            reports.decide(member, detail.report().id(), ReportStatus.RESOLVED, note);
        } catch (Refusal r) {
            if (r.kind() != Refusal.Kind.CONFLICT) throw r;
        }
    }

    private static long post(Long postId) {
        if (postId == null) throw Refusal.conflict(null, "this report is about a member, not a post");
        return postId;
    }

    private static String required(Map<String, String> values, String field, String message) {
        var v = values.get(field).strip();
        if (v.isEmpty()) throw Refusal.invalid(field, message);
        return v;
    }

    private static int banDays(String raw, String message) {
        try {
            int days = Integer.parseInt(raw);
            if (BAN_DAYS.contains(days)) return days;
        } catch (NumberFormatException e) {
            // Said below, next to the field.
        }
        throw Refusal.invalid("ban_days", message);
    }

    /** A remote actor as name@host, one of ours as name. */
    static String handle(URI actor) {
        if (actor == null) return null;
        var path = actor.getPath() == null ? "" : actor.getPath();
        var name = path.substring(path.lastIndexOf('/') + 1);
        return name + "@" + actor.getAuthority();
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is no report " + ctx.pathParam("id"));
        }
    }

    private static Long number(String raw) {
        if (raw == null || raw.isEmpty()) return null;
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A filter the address got wrong shows everything rather than an error: a list is never worth one. */
    private static <T> T parse(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (Refusal r) {
            return null;
        }
    }
}
