package app.kindred.web.pages;

import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.DailyReminder;
import app.kindred.care.Exports;
import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.member.MemberService;
import app.kindred.refusal.Refusal;
import app.kindred.refusal.TryLater;
import app.kindred.report.Category;
import app.kindred.report.Concern;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStatus;
import app.kindred.thread.Discussions;
import app.kindred.thread.Post;
import app.kindred.thread.ThreadService;
import app.kindred.web.Messages;
import app.kindred.web.pages.CareViews.Choice;
import app.kindred.web.pages.CareViews.DistancePage;
import app.kindred.web.pages.CareViews.ExportPage;
import app.kindred.web.pages.CareViews.MyReport;
import app.kindred.web.pages.CareViews.MyReportsPage;
import app.kindred.web.pages.CareViews.ReportPage;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A member's care pages (issues 14 and 18): telling the moderators about a post or a member, the
 * member's own reports, the distance they keep (blocks, mutes, hidden communities, breaks), and
 * the export of their data. Everything here is the member's own and shown to nobody else.
 */
public final class CarePages {
    static final String DISTANCE = "/settings/distance", EXPORT = "/settings/export", MINE = "/reports/mine";
    /** After POST-then-redirect, ?done= picks one of these sentences (care.done.*). */
    private static final Set<String> DONE = Set.of(
            "filed",
            "concernFiled",
            "blocked",
            "unblocked",
            "muted",
            "unmuted",
            "hidden",
            "unhidden",
            "breakTaken",
            "breakEnded",
            "exportStarted",
            "reminderOn",
            "reminderOff");

    private final Site site;
    private final ReportService reports;
    private final ThreadService threads;
    private final Discussions discussions;
    private final CommunityService communities;
    private final MemberService members;
    private final MediaService media;
    private final Boundaries boundaries;
    private final Breaks breaks;
    private final Exports exports;
    private final DailyReminder reminder;

    public CarePages(
            Site site,
            ReportService reports,
            ThreadService threads,
            Discussions discussions,
            CommunityService communities,
            MemberService members,
            MediaService media,
            Boundaries boundaries,
            Breaks breaks,
            Exports exports,
            DailyReminder reminder) {
        this.site = site;
        this.reports = reports;
        this.threads = threads;
        this.discussions = discussions;
        this.communities = communities;
        this.members = members;
        this.media = media;
        this.boundaries = boundaries;
        this.breaks = breaks;
        this.exports = exports;
        this.reminder = reminder;
    }

    public void register(RoutesConfig routes) {
        routes.get("/p/{id}/report", ctx -> {
            site.member(ctx);
            postReport(ctx, 200, post(ctx), Form.empty());
        });
        routes.post("/p/{id}/report", ctx -> file(ctx, post(ctx), null));
        routes.get("/u/{name}/report", ctx -> {
            site.member(ctx);
            memberReport(ctx, 200, localMember(ctx), Form.empty());
        });
        routes.post("/u/{name}/report", ctx -> file(ctx, null, localMember(ctx)));
        routes.get(MINE, this::mine);

        routes.get(DISTANCE, ctx -> distance(ctx, 200, Form.empty()));
        routes.post(DISTANCE + "/block", ctx -> keep(ctx, Boundaries.Kind.BLOCK, "block_member", "blocked"));
        routes.post(DISTANCE + "/mute", ctx -> keep(ctx, Boundaries.Kind.MUTE, "mute_member", "muted"));
        routes.post(DISTANCE + "/unblock", ctx -> release(ctx, Boundaries.Kind.BLOCK, "unblocked"));
        routes.post(DISTANCE + "/unmute", ctx -> release(ctx, Boundaries.Kind.MUTE, "unmuted"));
        routes.post(DISTANCE + "/hide", this::hide);
        routes.post(DISTANCE + "/unhide", this::unhide);
        routes.post(DISTANCE + "/break", this::takeBreak);
        routes.post(DISTANCE + "/break/end", this::endBreak);
        routes.post(DISTANCE + "/reminder", this::chooseReminder);

        routes.get(EXPORT, this::export);
        routes.post(EXPORT, ctx -> {
            var member = site.member(ctx);
            if (site.refuseWithoutToken(ctx)) return;
            exports.request(member);
            Site.seeOther(ctx, EXPORT + "?done=exportStarted");
        });
        routes.get(EXPORT + "/download/{token}", this::download);
    }

    // ---- Reporting -------------------------------------------------------------------------------

    private void postReport(Context ctx, int status, Post post, Form form) {
        var m = site.messages(ctx);
        var entry = discussions.entry(post.id(), null).orElseThrow();
        var card = Cards.post(entry, null, null, new PostMedia(media));
        var listing = communities
                .listing(post.communityId())
                .orElseThrow(() -> Refusal.notFound("there is no community here"));
        var community = Cards.community(listing, null);
        var home = listing.community().actor();
        var author = entry.author();
        boolean authorLocal = author == null || author.local();
        // Mirrors ReportService.file: content in a remote community goes to its server (and a remote author's);
        // content in ours stays with our moderators, and reaches those of them on other servers.
        var elsewhere = new LinkedHashSet<String>();
        var audience = new ArrayList<String>();
        if (!home.local()) {
            elsewhere.add(home.domain());
            if (!authorLocal) elsewhere.add(author.domain());
            audience.add(m.t("care.report.seenByRemoteMods", community.title(), home.domain()));
            audience.add(m.t("care.report.seenByAdmins", site.instanceName()));
        } else {
            audience.add(m.t("care.report.seenByMods", community.title()));
            for (var mod : communities.moderators(post.communityId()))
                if (!mod.local() && mod.id() != post.authorId()) elsewhere.add(mod.domain());
            if (authorLocal) audience.add(m.t("care.report.seenByAdmins", site.instanceName()));
        }
        var heading = m.t("care.report.postHeading");
        site.send(
                ctx,
                status,
                "care/report.jte",
                site.chrome(
                        ctx,
                        heading,
                        community.sensitive(),
                        new Crumb(community.title(), community.href()),
                        new Crumb(heading, "/p/" + post.id() + "/report")),
                new ReportPage(
                        "/p/" + post.id() + "/report",
                        card,
                        null,
                        community,
                        communities.rules(post.communityId()),
                        List.copyOf(audience),
                        List.copyOf(elsewhere),
                        form));
    }

    private void memberReport(Context ctx, int status, Member subject, Form form) {
        var m = site.messages(ctx);
        var heading = m.t("care.report.memberHeading", subject.username());
        site.send(
                ctx,
                status,
                "care/report.jte",
                site.chrome(
                        ctx,
                        heading,
                        new Crumb(subject.username(), "/u/" + subject.username()),
                        new Crumb(m.t("care.report.crumb"), "/u/" + subject.username() + "/report")),
                new ReportPage(
                        "/u/" + subject.username() + "/report",
                        null,
                        subject.username() + "@" + subject.actor().domain(),
                        null,
                        List.of(),
                        List.of(m.t("care.report.seenByAdmins", site.instanceName())),
                        List.of(),
                        form));
    }

    /** Files a report from the form: exactly as the API does, under the same rate limits. */
    private void file(Context ctx, Post post, Member subject) {
        var reporter = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "reason", "text", "show_identity");
        Form form = null;
        if (!site.sessions().csrfValid(ctx)) {
            form = Form.of(values).with(new FieldError(null, m.t("error.csrf.form")));
            reshow(ctx, 403, post, subject, form);
            return;
        }
        var reason = values.get("reason");
        Category category = null;
        Integer rule = null;
        if (reason.startsWith("rule-")) {
            category = Category.RULE;
            try {
                rule = Integer.parseInt(reason.substring(5));
            } catch (NumberFormatException e) {
                category = null;
            }
        } else {
            for (var c : Category.values()) if (c != Category.RULE && c.wire().equals(reason)) category = c;
        }
        if (category == null) {
            reshow(
                    ctx,
                    422,
                    post,
                    subject,
                    Form.of(values).with(new FieldError("reason", m.t("care.report.noReason"))));
            return;
        }
        var draft = new ReportService.Draft(
                post == null ? null : post.id(),
                subject == null ? null : subject.username(),
                category,
                rule,
                values.get("text"),
                "yes".equals(values.get("show_identity")));
        try {
            // The API's limits, taken in the service whichever door is used; a concern never waits behind complaints.
            reports.file(reporter, draft);
        } catch (TryLater e) {
            // Busy (503) goes to the general "come back in a moment" page; a limit is said here, by the form.
            if (e.kind() != TryLater.Kind.RATE_LIMITED) throw e;
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            long minutes = Math.max(1, (e.retryAfterSeconds() + 59) / 60);
            reshow(
                    ctx,
                    429,
                    post,
                    subject,
                    Form.of(values).with(new FieldError(null, m.t("care.report.wait", minutes))));
            return;
        } catch (Refusal r) {
            reshow(ctx, CommunityPages.status(r), post, subject, Site.refused(values, r, Map.of("rule", "reason")));
            return;
        }
        // After a wellbeing concern, the thanks also says where help is: worrying about someone is heavy too.
        Site.seeOther(ctx, MINE + "?done=" + (category.concern() == Concern.WELLBEING ? "concernFiled" : "filed"));
    }

    private void reshow(Context ctx, int status, Post post, Member subject, Form form) {
        if (post != null) postReport(ctx, status, post, form);
        else memberReport(ctx, status, subject, form);
    }

    private void mine(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var list = new ArrayList<MyReport>();
        for (var mine : reports.mine(member)) {
            var r = mine.report();
            var f = mine.filing();
            String label;
            String href = null;
            if (r.postId() != null) {
                var post = threads.find(r.postId());
                label = post.filter(p -> p.isThread() && p.title() != null && !p.removed())
                        .map(p -> m.t("care.mine.thread", p.title()))
                        .orElse(m.t("care.mine.comment"));
                if (post.isPresent()) href = "/p/" + r.postId();
            } else {
                label = m.t("care.mine.member", handle(mine.subject()));
            }
            list.add(new MyReport(
                    r.id(),
                    m.t("care.mine.status." + r.status().wire()),
                    r.concern() == Concern.WELLBEING,
                    f.category() == Category.RULE
                            ? m.t("care.reason.rule", f.rule())
                            : m.t("care.reason." + f.category().wire()),
                    f.text(),
                    label,
                    href,
                    f.flagId() != null,
                    f.createdAt(),
                    r.status() == ReportStatus.OPEN ? null : r.decidedAt()));
        }
        var heading = m.t("care.mine.title");
        site.send(
                ctx,
                "care/mine.jte",
                site.chrome(ctx, heading, new Crumb(heading, MINE)),
                new MyReportsPage(List.copyOf(list), done(ctx, m)));
    }

    /** name@host from an actor id such as https://host/u/name, for a member named in a report. */
    private static String handle(URI actor) {
        if (actor == null) return "?";
        var path = actor.getPath() == null ? "" : actor.getPath();
        var name = path.substring(path.lastIndexOf('/') + 1);
        return (name.isEmpty() ? actor.toString() : name) + "@" + actor.getAuthority();
    }

    // ---- Distance ------------------------------------------------------------------------------

    private void distance(Context ctx, int status, Form form) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var hidden = boundaries.hiddenCommunities(member);
        var hiddenIds = hidden.stream().map(h -> h.communityId()).toList();
        var directory = communities.directory();
        var toHide = directory.stream()
                .filter(l -> !hiddenIds.contains(l.community().id()))
                .map(l -> new Choice(Long.toString(l.community().id()), title(l.community())))
                .toList();
        var breakFrom = new ArrayList<Choice>();
        breakFrom.add(new Choice("instance", m.t("care.break.wholeInstance", site.instanceName())));
        directory.forEach(
                l -> breakFrom.add(new Choice(Long.toString(l.community().id()), title(l.community()))));
        // The reminder's fields show what was sent when the form comes back, otherwise the member's choice.
        if (!form.values().containsKey("reminder")) {
            var after = reminder.today(member).afterMinutes();
            var values = new LinkedHashMap<>(form.values());
            values.put("reminder", after == null ? "off" : "after");
            values.put("after_minutes", after == null ? "" : Integer.toString(after));
            form = new Form(values, form.errors());
        }
        var heading = m.t("care.distance.title");
        site.send(
                ctx,
                status,
                "care/distance.jte",
                site.chrome(ctx, heading, new Crumb(m.t("care.settings"), "/settings"), new Crumb(heading, DISTANCE)),
                new DistancePage(
                        boundaries.list(member, Boundaries.Kind.BLOCK),
                        boundaries.list(member, Boundaries.Kind.MUTE),
                        hidden,
                        breaks.activeFor(member),
                        toHide,
                        List.copyOf(breakFrom),
                        form,
                        done(ctx, m)));
    }

    private static String title(Community c) {
        return c.actor().local() ? c.title() : c.title() + " (" + c.actor().domain() + ")";
    }

    private void keep(Context ctx, Boundaries.Kind kind, String field, String done) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, field);
        if (!site.sessions().csrfValid(ctx)) {
            distance(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        if (values.get(field).isBlank()) {
            distance(ctx, 422, Form.of(values).with(new FieldError(field, m.t("care.distance.nameSomeone"))));
            return;
        }
        try {
            boundaries.keep(member, kind, values.get(field));
        } catch (Refusal r) {
            // Every refusal here is about the name typed, so it stands by that field.
            distance(
                    ctx,
                    CommunityPages.status(r),
                    Form.of(values).with(new FieldError(field, Site.sentence(r.getMessage()))));
            return;
        }
        Site.seeOther(ctx, DISTANCE + "?done=" + done);
    }

    private void release(Context ctx, Boundaries.Kind kind, String done) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        boundaries.release(member, kind, number(ctx, "actor"));
        Site.seeOther(ctx, DISTANCE + "?done=" + done);
    }

    private void hide(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "hide_community");
        if (!site.sessions().csrfValid(ctx)) {
            distance(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        long id;
        try {
            id = Long.parseLong(values.get("hide_community"));
            boundaries.hide(member, id);
        } catch (NumberFormatException | Refusal e) {
            distance(
                    ctx,
                    422,
                    Form.of(values).with(new FieldError("hide_community", m.t("care.distance.chooseCommunity"))));
            return;
        }
        Site.seeOther(ctx, DISTANCE + "?done=hidden");
    }

    private void unhide(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        boundaries.unhide(member, number(ctx, "community"));
        Site.seeOther(ctx, DISTANCE + "?done=unhidden");
    }

    private void takeBreak(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "break_from", "length");
        if (!site.sessions().csrfValid(ctx)) {
            distance(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        var form = Form.of(values);
        Long community = null;
        if (!values.get("break_from").equals("instance")) {
            try {
                community = Long.parseLong(values.get("break_from"));
                if (communities.find(community).isEmpty()) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                form = form.with(new FieldError("break_from", m.t("care.break.chooseFrom")));
            }
        }
        Breaks.Length length = null;
        try {
            length = Breaks.Length.of(values.get("length"));
        } catch (Refusal r) {
            form = form.with(new FieldError("length", m.t("care.break.chooseLength")));
        }
        if (form.hasErrors()) {
            distance(ctx, 422, form);
            return;
        }
        breaks.take(member, community, length);
        Site.seeOther(ctx, DISTANCE + "?done=breakTaken");
    }

    private void endBreak(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        breaks.end(member, number(ctx, "break"));
        var next = ctx.formParam("next");
        Site.seeOther(ctx, next == null || next.isBlank() ? DISTANCE + "?done=breakEnded" : Site.localPath(next));
    }

    private void chooseReminder(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "reminder", "after_minutes");
        if (!site.sessions().csrfValid(ctx)) {
            distance(ctx, 403, Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        Integer after = null;
        switch (values.get("reminder")) {
            case "off" -> {}
            case "after" -> {
                try {
                    after = Integer.parseInt(values.get("after_minutes").strip());
                } catch (NumberFormatException e) {
                    after = -1;
                }
                if (after < DailyReminder.FEWEST_MINUTES || after > DailyReminder.MOST_MINUTES) {
                    distance(
                            ctx,
                            422,
                            Form.of(values)
                                    .with(new FieldError(
                                            "after_minutes",
                                            m.t(
                                                    "care.reminder.chooseMinutes",
                                                    DailyReminder.FEWEST_MINUTES,
                                                    DailyReminder.MOST_MINUTES))));
                    return;
                }
            }
            default -> {
                distance(ctx, 422, Form.of(values).with(new FieldError("reminder", m.t("care.reminder.chooseOne"))));
                return;
            }
        }
        reminder.choose(member, after);
        Site.seeOther(ctx, DISTANCE + "?done=" + (after == null ? "reminderOff" : "reminderOn"));
    }

    // ---- Export --------------------------------------------------------------------------------

    private void export(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var export = exports.status(member).orElse(null);
        var heading = m.t("care.export.title");
        site.send(
                ctx,
                "care/export.jte",
                site.chrome(ctx, heading, new Crumb(m.t("care.settings"), "/settings"), new Crumb(heading, EXPORT)),
                new ExportPage(
                        export,
                        export == null || export.token() == null ? null : EXPORT + "/download/" + export.token(),
                        done(ctx, m)));
    }

    private void download(Context ctx) {
        var file = exports.download(site.member(ctx), ctx.pathParam("token"));
        try {
            ctx.header("Cache-Control", "no-store")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Content-Disposition", "attachment; filename=\"kindred-export.zip\"")
                    .contentType("application/zip")
                    .result(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- Shared --------------------------------------------------------------------------------

    private static String done(Context ctx, Messages m) {
        var done = ctx.queryParam("done");
        return done != null && DONE.contains(done) ? m.t("care.done." + done) : null;
    }

    private static long number(Context ctx, String field) {
        try {
            return Long.parseLong(ctx.formParam(field) == null ? "" : ctx.formParam(field));
        } catch (NumberFormatException e) {
            throw Refusal.invalid(field, "that form was not sent whole; go back, reload the page and try again");
        }
    }

    private Post post(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is no post here");
        }
        // Only a post this reader may read (held, or members-only in a private community: issue 17).
        return discussions
                .readable(id, site.viewerActorId(ctx))
                .orElseThrow(() -> Refusal.notFound("there is no post here"));
    }

    private Member localMember(Context ctx) {
        return members.find(ctx.pathParam("name"))
                .orElseThrow(() -> Refusal.notFound("there is no member " + ctx.pathParam("name") + " here"));
    }
}
