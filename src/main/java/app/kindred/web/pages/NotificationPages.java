package app.kindred.web.pages;

import app.kindred.notification.NotificationService;
import app.kindred.notification.NotificationService.Notification;
import app.kindred.web.pages.HomeViews.NotificationItem;
import app.kindred.web.pages.HomeViews.NotificationsPage;
import app.kindred.web.pages.Views.Crumb;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

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

    /** @param domain this instance's domain: our own members are named without it */
    public NotificationPages(Site site, NotificationService notifications, String domain, Distance distance) {
        this.ourSuffix = "@" + domain;
        this.site = site;
        this.notifications = notifications;
        this.distance = distance;
    }

    public void register(RoutesConfig routes) {
        routes.get("/notifications", this::show);
    }

    private void show(Context ctx) {
        var member = site.member(ctx);
        var before = before(ctx.queryParam("before"));
        // The member's own filters (issue 16) applied as the list is read, in one query (as the API does): a
        // hiding one leaves the notification out, a collapsing one shows its warning instead of the excerpt.
        var page = notifications.list(
                member, before, PER_PAGE + 1, distance.shown(ctx).filters());
        // One more read than shown says whether there is an older page; that one is the next page's first.
        boolean more = page.read() > PER_PAGE;
        var items = page.items().stream()
                .filter(n -> !more || n.id() != page.lastRead())
                .map(this::item)
                .toList();
        // Read as they were before this page marked them, so the ones new to the member still say so. Only what this
        // page covered is marked (those a filter left out too): older unread ones on later pages stay new until seen.
        if (page.lastRead() != null)
            notifications.markSeen(member, more ? page.lastRead() + 1 : page.lastRead(), before);
        // The next page starts at the one read beyond this page (a page asks below an id: one past it).
        var older = more ? page.lastRead() + 1 : null;
        var m = site.messages(ctx);
        site.send(
                ctx,
                "notifications.jte",
                site.chrome(ctx, m.t("notifications.title"), new Crumb(m.t("notifications.title"), "/notifications")),
                new NotificationsPage(items, older, before != null));
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
