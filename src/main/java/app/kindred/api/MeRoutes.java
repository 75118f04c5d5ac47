package app.kindred.api;

import app.kindred.care.MemberFilter;
import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.member.MemberService;
import app.kindred.member.SessionService;
import app.kindred.notification.NotificationService;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The signed-in member's own things (issue 14): their account and preferences, password and
 * sessions, and notifications. Every route needs a bearer token and only ever shows its own member's data.
 */
final class MeRoutes {
    private final MediaService media;
    private final Function<Context, Member> member;
    private final Function<Context, String> token;
    private final MemberService members;
    private final SessionService sessions;
    private final NotificationService notifications;
    private final Function<Member, List<MemberFilter>> filters;

    MeRoutes(
            Function<Context, Member> member,
            Function<Context, String> token,
            MemberService members,
            SessionService sessions,
            NotificationService notifications,
            MediaService media,
            Function<Member, List<MemberFilter>> filters) {
        this.filters = filters;
        this.media = media;
        this.member = member;
        this.token = token;
        this.members = members;
        this.sessions = sessions;
        this.notifications = notifications;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/me", ctx -> ctx.json(me(member.apply(ctx)))),
                new ApiRoutes.Endpoint(HandlerType.PATCH, "/api/v1/me", this::edit),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/password", this::changePassword),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/sessions",
                        ctx -> ctx.json(sessions.sessions(token.apply(ctx)).stream()
                                .map(SessionView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/me/sessions/{id}", ctx -> {
                    sessions.end(token.apply(ctx), longParam("id", ctx.pathParam("id")));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/me/notifications", this::notifications),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/notifications/unread_count",
                        ctx -> ctx.json(new UnreadView(notifications.unreadCount(member.apply(ctx))))),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/notifications/read", this::markRead));
    }

    private MeView me(Member m) {
        return MeView.of(
                m, members.preferences(m), media.pictures(m.actor().id()).icon());
    }

    private void edit(Context ctx) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("content_warnings_open", "avatar"));
        if (body.has("avatar")) media.setAvatar(m, body.id("avatar"));
        if (body.has("content_warnings_open")) {
            var open = body.bool("content_warnings_open");
            if (open == null)
                throw JsonBody.badRequest("content_warnings_open", "content_warnings_open must be true or false");
            members.setContentWarningsOpen(m, open);
        }
        ctx.json(me(m));
    }

    private void changePassword(Context ctx) {
        var body = JsonBody.parse(ctx.body(), Set.of("current_password", "new_password"));
        sessions.changePassword(token.apply(ctx), body.text("current_password"), body.requiredText("new_password"));
        ctx.status(204);
    }

    private void notifications(Context ctx) {
        var m = member.apply(ctx);
        var before = ctx.queryParam("before") == null ? null : longParam("before", ctx.queryParam("before"));
        var limit = ctx.queryParam("limit") == null ? null : (int) longParam("limit", ctx.queryParam("limit"));
        // The member's own filters apply here as in every listing (issue 16).
        var page = notifications.list(m, before, limit, filters.apply(m));
        var items = page.items().stream().map(NotificationView::of).toList();
        ctx.json(new NotificationList(items, page.unread(), page.lastRead()));
    }

    private void markRead(Context ctx) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(ctx.body() == null || ctx.body().isBlank() ? "{}" : ctx.body(), Set.of("up_to"));
        Long upTo = body.has("up_to") && !body.isNull("up_to") ? (long) body.requiredInt("up_to") : null;
        int marked = notifications.markRead(m, upTo);
        ctx.json(new MarkedView(marked, notifications.unreadCount(m)));
    }

    private static long longParam(String name, String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw JsonBody.badRequest(name, name + " must be a whole number");
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MeView(
            String username, String handle, String role, String actorId, boolean contentWarningsOpen, String avatar) {
        static MeView of(Member m, MemberService.Preferences p, String avatar) {
            return new MeView(
                    m.username(),
                    m.username() + "@" + m.actor().domain(),
                    m.role().name().toLowerCase(Locale.ROOT),
                    m.actor().uri().toString(),
                    p.contentWarningsOpen(),
                    avatar);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SessionView(long id, Instant created, Instant lastUsed, Instant expires, boolean current) {
        static SessionView of(SessionService.Session s) {
            return new SessionView(s.id(), s.createdAt(), s.lastUsedAt(), s.expiresAt(), s.current());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NotificationView(
            long id,
            String kind,
            Instant created,
            boolean read,
            Long postId,
            Long threadId,
            String from,
            String contentWarning,
            String excerpt,
            Boolean postGone,
            Long reportId,
            String outcome,
            Long checkInId) {
        static NotificationView of(NotificationService.Notification n) {
            return new NotificationView(
                    n.id(),
                    n.kind().wire(),
                    n.created(),
                    n.read(),
                    n.postId(),
                    n.threadId(),
                    n.from(),
                    n.contentWarning(),
                    n.excerpt(),
                    n.postId() == null ? null : n.postGone(),
                    n.reportId(),
                    n.outcome(),
                    n.outreachId());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NotificationList(List<NotificationView> notifications, long unread, Long nextBefore) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record UnreadView(long unread) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MarkedView(long marked, long unread) {}
}
