package app.kindred.web.pages;

import app.kindred.care.Shown;
import app.kindred.content.HtmlSanitizer;
import app.kindred.notification.NotificationService;
import app.kindred.notification.NotificationService.Notification;
import app.kindred.thread.Discussions;
import app.kindred.web.pages.HomeViews.NotificationItem;
import app.kindred.web.pages.HomeViews.NotificationsPage;
import app.kindred.web.pages.Views.Crumb;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Objects;

/**
 * The member's notifications: replies, mentions and the outcomes of their reports, newest first.
 * Opening the list is seeing it: what it shows is marked read, and the header's count drops.
 */
public final class NotificationPages {
    static final int PER_PAGE = 30;

    private final Site site;
    private final NotificationService notifications;
    private final String ourSuffix;
    private final Distance distance;
    private final Discussions discussions;

    /** @param domain this instance's domain: our own members are named without it */
    public NotificationPages(
            Site site, NotificationService notifications, String domain, Distance distance, Discussions discussions) {
        this.ourSuffix = "@" + domain;
        this.site = site;
        this.notifications = notifications;
        this.distance = distance;
        this.discussions = discussions;
    }

    public void register(RoutesConfig routes) {
        routes.get("/notifications", this::show);
    }

    private void show(Context ctx) {
        var member = site.member(ctx);
        var before = before(ctx.queryParam("before"));
        var page = notifications.list(member, before, PER_PAGE + 1);
        var shown = page.items().stream().limit(PER_PAGE).toList();
        // Read as they were before this page marked them, so the ones new to the member still say so.
        var reader = distance.shown(ctx);
        var items = shown.stream()
                .map(n -> filtered(reader, n, member.actor().id()))
                .filter(Objects::nonNull)
                .toList();
        // Only what this page shows: older unread ones on later pages stay new until they are seen.
        var unseen = shown.stream().filter(n -> !n.read()).map(Notification::id).toList();
        notifications.markSeen(member, unseen);
        var older = page.items().size() > PER_PAGE ? shown.getLast().id() : null;
        var m = site.messages(ctx);
        site.send(
                ctx,
                "notifications.jte",
                site.chrome(ctx, m.t("notifications.title"), new Crumb(m.t("notifications.title"), "/notifications")),
                new NotificationsPage(items, older, before != null));
    }

    /**
     * The member's own filters (issue 16): a notification about a post a hiding filter matches is left
     * out (it stays in the count until this page is opened, like any other); a collapsing one shows the
     * filter's warning instead of the excerpt.
     */
    private NotificationItem filtered(Shown reader, Notification n, long viewer) {
        var item = item(n);
        if (reader.filters().isEmpty() || n.postId() == null || n.postGone()) return item;
        var entry = discussions.entry(n.postId(), viewer);
        if (entry.isEmpty()) return item;
        if (Distance.filteredOut(reader, entry.get())) return null;
        var post = entry.get().post();
        var filter = reader.filter(post.title(), HtmlSanitizer.toText(post.contentHtml()), post.summary());
        if (filter.isEmpty()) return item;
        var warning = item.warning() == null
                ? "Filtered: " + filter.get().title()
                : item.warning() + "; filtered: " + filter.get().title();
        return new NotificationItem(
                item.id(),
                item.kind(),
                item.created(),
                item.fresh(),
                item.from(),
                warning,
                null,
                item.postGone(),
                item.outcome(),
                item.href());
    }

    private NotificationItem item(Notification n) {
        var from = n.from() != null && n.from().endsWith(ourSuffix)
                ? n.from().substring(0, n.from().length() - ourSuffix.length())
                : n.from();
        var href = switch (n.kind()) {
            case REPORT_OUTCOME -> "/reports/mine";
            case CONCERN, CONCERN_UNSEEN, ESCALATED -> "/mod/reports/" + n.reportId();
            case APPLICATION -> "/admin/applications";
            case CHECK_IN -> "/check-ins/" + n.outreachId();
            default -> "/p/" + n.postId();
        };
        return new NotificationItem(
                n.id(),
                n.kind().wire(),
                n.created(),
                !n.read(),
                from,
                n.contentWarning(),
                n.excerpt(),
                n.postGone(),
                n.outcome(),
                href);
    }

    /** A page of older ones starts below an id; anything unreadable is the first page. */
    private static Long before(String raw) {
        if (raw == null) return null;
        try {
            long id = Long.parseLong(raw);
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
