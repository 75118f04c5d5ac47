package app.kindred.web.pages;

import app.kindred.care.DailyReminder;
import app.kindred.content.StorableText;
import app.kindred.member.Member;
import app.kindred.member.MemberService;
import app.kindred.member.Role;
import app.kindred.notification.NotificationService;
import app.kindred.refusal.Refusal;
import app.kindred.report.ReportService;
import app.kindred.storage.KeptReads;
import app.kindred.storage.ReadableChanges;
import app.kindred.web.BrowserSessions;
import app.kindred.web.Messages;
import app.kindred.web.Renderer;
import app.kindred.web.pages.Views.Chrome;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.ErrorPage;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What every page class shares: the layout's data, rendering, sign-in checks, form tokens and redirects. */
public final class Site {
    /** Thrown where a page needs a member and nobody is signed in: answered with a redirect to /login. */
    public static final class SignInFirst extends RuntimeException {
        SignInFirst() {
            super("sign in first", null, false, false);
        }
    }

    private final Supplier<String> instanceName;
    private final Renderer renderer;
    private final BrowserSessions sessions;
    private final MemberService members;
    private final NotificationService notifications;
    // The moderators' workspace (mod5): the header's count of open reports.
    private final ReportService reports;
    private final SignedOutPages signedOut;
    // Issue 14 (signed-in speed): what pages read, kept until anything readable changes (see KeptReads).
    private final KeptReads kept;
    // Small values (a member's header, boundaries, a flag) and whole threads or listings are bounded apart: a
    // thread of 200 comments read for one member is some 200 KB, so at most DISCUSSIONS of them stay.
    private static final int SMALL_READS = 8192, DISCUSSIONS = 256;
    private final KeptReads keptDiscussions;
    private final RenderedComments renderedComments;

    /** The header's state of one member, read once and kept with the page's other reads. */
    private record Header(boolean warningsOpen, long unread, Long openReports) {}

    public Site(
            Supplier<String> instanceName,
            Renderer renderer,
            BrowserSessions sessions,
            MemberService members,
            NotificationService notifications,
            ReportService reports,
            ReadableChanges changes) {
        this.signedOut = new SignedOutPages(changes);
        this.kept = new KeptReads(changes, SMALL_READS);
        this.keptDiscussions = new KeptReads(changes, DISCUSSIONS);
        this.renderedComments = new RenderedComments(renderer);
        this.notifications = notifications;
        this.reports = reports;
        this.instanceName = instanceName;
        this.renderer = renderer;
        this.sessions = sessions;
        this.members = members;
    }

    /** Read for each page: an admin may rename the instance at run time (issue 15). */
    public String instanceName() {
        return instanceName.get();
    }

    public BrowserSessions sessions() {
        return sessions;
    }

    /**
     * Reads a page may take from the last reader's while nothing readable changed since: a key names all a
     * value depends on, the member's account or actor id for anything of theirs (issue 14).
     */
    public KeptReads kept() {
        return kept;
    }

    /** As {@link #kept()}, for whole threads and listings as a reader sees them (large values, fewer kept). */
    public KeptReads keptDiscussions() {
        return keptDiscussions;
    }

    /** Comment trees rendered once for every reader who sees them alike (issue 14). */
    RenderedComments renderedComments() {
        return renderedComments;
    }

    public Messages messages(Context ctx) {
        Messages m = ctx.attribute("kindred.messages");
        if (m == null) {
            m = Messages.forAcceptLanguage(ctx.header("Accept-Language"));
            ctx.attribute("kindred.messages", m);
        }
        return m;
    }

    public Chrome chrome(Context ctx, String title, boolean helpInHeader, Crumb... crumbs) {
        var all = new ArrayList<Crumb>();
        all.add(new Crumb(instanceName(), "/"));
        all.addAll(List.of(crumbs));
        var member = sessions.member(ctx);
        var viewer = member.map(Member::username).orElse(null);
        // A signed-out reader gets a form token (and its cookie) only on a page with a form: see withFormToken.
        var csrf = viewer == null ? null : sessions.csrfToken(ctx);
        var header =
                member.map(m -> kept.get(() -> header(m), "header", m.id())).orElse(new Header(false, 0, null));
        return new Chrome(
                messages(ctx),
                title,
                instanceName(),
                viewer,
                csrf,
                List.copyOf(all),
                helpInHeader,
                header.warningsOpen(),
                notice(ctx),
                header.unread(),
                header.openReports(),
                member.map(m -> m.role() == Role.ADMIN).orElse(false));
    }

    /** Whether the reader chose to have content warnings open (false for a visitor): read with the header. */
    public boolean warningsOpen(Context ctx) {
        return sessions.member(ctx)
                .map(m -> kept.get(() -> header(m), "header", m.id()).warningsOpen())
                .orElse(false);
    }

    private Header header(Member m) {
        var open = reports.openCount(m);
        return new Header(
                members.preferences(m).contentWarningsOpen(),
                // One count on a partial index (notification_unread): cheap enough for every page a member reads.
                notifications.unreadCount(m),
                // Moderators and admins only; a count query that stops early for everyone else.
                open.isPresent() ? open.getAsLong() : null);
    }

    /** After POST-then-redirect, a flag in the address (?followed=1) picks one of a few fixed sentences. */
    private static final List<String> NOTICES = List.of(
            "welcome",
            "signedOut",
            "followed",
            "left",
            "deleted",
            // The settings hub, remote communities (pages5).
            "passwordChanged",
            "sessionEnded",
            "othersEnded",
            "settingsSaved",
            "followPending",
            // Account deletion (issue 18).
            "deletionScheduled",
            "accountDeleted",
            "deletionCancelled",
            // Pictures (issue 20).
            "avatarSaved",
            "avatarRemoved",
            "picturesSaved",
            // The moderators' workspace (mod5).
            "reportResolved",
            "reportDismissed",
            "postRemoved",
            "postLocked",
            "memberBanned",
            // Notes, forwarding and escalation from a report (modset6).
            "noted",
            "forwarded",
            "escalated");

    private String notice(Context ctx) {
        for (var flag : NOTICES)
            if (ctx.queryParam(flag) != null) return messages(ctx).t("notice." + flag);
        return reminderNote(ctx);
    }

    private volatile DailyReminder reminder;

    /** Pages count the signed-in member's views for their daily reminder, when they chose one (issue 18). */
    public void remindWith(DailyReminder reminder) {
        this.reminder = reminder;
    }

    /** After the time the member chose, a calm note on every page saying how long they have been here today. */
    private String reminderNote(Context ctx) {
        var r = reminder;
        var member = sessions.member(ctx);
        if (r == null || member.isEmpty() || !ctx.method().name().equals("GET")) return null;
        // Most members choose no reminder: whether one did is kept like the header (a change to the
        // account moves the generation), so their views cost no write at all (issue 14's speed).
        var m = member.get();
        if (!kept.get(() -> r.chosen(m), "reminder", m.id())) return null;
        return r.viewed(m)
                .map(minutes -> minutes >= 120
                        ? messages(ctx).t("reminder.hours", minutes / 60)
                        : messages(ctx).t("reminder.minutes", minutes))
                .orElse(null);
    }

    /** The same layout with a form token for a signed-out form (sign in, sign up). */
    public Chrome withFormToken(Context ctx, Chrome chrome) {
        return new Chrome(
                chrome.m(),
                chrome.title(),
                chrome.instanceName(),
                chrome.viewer(),
                sessions.csrfToken(ctx),
                chrome.crumbs(),
                chrome.helpInHeader(),
                chrome.warningsOpen(),
                chrome.notice(),
                chrome.unread(),
                chrome.openReports(),
                chrome.admin());
    }

    public Chrome chrome(Context ctx, String title, Crumb... crumbs) {
        return chrome(ctx, title, false, crumbs);
    }

    public void send(Context ctx, int status, String template, Chrome chrome, Object page) {
        ctx.header("Vary", "Accept, Cookie");
        var html = renderer.bytes(template, chrome, page);
        renderer.send(ctx, status, html);
        // Issue 14: a page for nobody in particular (no member, no form token) may be kept for the next reader.
        if (status == 200 && chrome.viewer() == null && chrome.csrf() == null) signedOut.keep(ctx, html);
    }

    /**
     * For a page every signed-out reader sees alike (a thread, a community): answers from the page kept
     * for them when nothing has changed since, and returns true; else the page is rendered and kept.
     */
    public boolean answeredForSignedOut(Context ctx) {
        return signedOut.answer(ctx, messages(ctx).languages());
    }

    /** After every page request: whatever it ended in (a redirect, an error), readers waiting for it stop waiting. */
    void finished(Context ctx) {
        signedOut.release(ctx);
    }

    public void send(Context ctx, String template, Chrome chrome, Object page) {
        send(ctx, 200, template, chrome, page);
    }

    /** An error as a page, for browsers; the API keeps its problem JSON. */
    public void error(Context ctx, int status, String detail) {
        var m = messages(ctx);
        var heading = m.t("error." + status + ".title");
        if (heading.startsWith("error.")) heading = m.t("error.other.title");
        renderer.send(ctx, status, "error.jte", chrome(ctx, heading), new ErrorPage(status, heading, detail));
    }

    public Member member(Context ctx) {
        return sessions.member(ctx).orElseThrow(SignInFirst::new);
    }

    public Long viewerActorId(Context ctx) {
        return sessions.member(ctx).map(m -> m.actor().id()).orElse(null);
    }

    /** For buttons with nothing typed (follow, vote, sign out): a stale token gets a page saying what to do. */
    public boolean refuseWithoutToken(Context ctx) {
        if (sessions.csrfValid(ctx)) return false;
        error(ctx, 403, messages(ctx).t("error.csrf"));
        return true;
    }

    /** POST, then GET: the browser shows {@code path} and a reload does not send the form again. */
    public static void seeOther(Context ctx, String path) {
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    /**
     * The fields of a form, as typed, less what PostgreSQL cannot store (a NUL, which a browser sends
     * only when a page or tool puts it there): the text is kept, and nothing reaches the database as a 500.
     */
    public static Map<String, String> fields(Context ctx, String... names) {
        var values = new LinkedHashMap<String, String>();
        for (var name : names) {
            var v = ctx.formParam(name);
            values.put(name, v == null ? "" : StorableText.storable(v));
        }
        return values;
    }

    /** A refusal from a feature, put beside the field it names (renamed to the form's field where they differ). */
    public static Form refused(Map<String, String> values, Refusal refusal, Map<String, String> fieldNames) {
        var field = refusal.field() == null ? null : fieldNames.getOrDefault(refusal.field(), refusal.field());
        if (field != null && !values.containsKey(field)) field = null;
        return new Form(values, List.of(new FieldError(field, sentence(refusal.getMessage()))));
    }

    /** Features speak in lower case for problem bodies; a page shows a sentence. */
    public static String sentence(String message) {
        if (message == null || message.isEmpty()) return "";
        var s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    /** Only a path on this site, so a crafted link cannot send a member elsewhere after signing in. */
    public static String localPath(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.startsWith("/\\")
                || !StorableText.isStorable(next)
                || next.chars().anyMatch(ch -> ch < 0x20)) return "/";
        return next;
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A page number from ?page= (1 when absent or unreadable: a page of a list is never worth an error). */
    public static int page(Context ctx) {
        try {
            var p = Integer.parseInt(ctx.queryParam("page") == null ? "1" : ctx.queryParam("page"));
            return Math.max(1, Math.min(p, 10_000));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
