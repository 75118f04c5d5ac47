package app.kindred.api;

import app.kindred.care.AccountDeletions;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A member deletes their own account (issue 18): {@code DELETE /api/v1/me} schedules it after the
 * grace period and signs them out everywhere; signing in again during the grace cancels it.
 */
final class DeletionRoutes {
    private final Function<Context, Member> member;
    private final AccountDeletions deletions;

    DeletionRoutes(Function<Context, Member> member, AccountDeletions deletions) {
        this.member = member;
        this.deletions = deletions;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/me", this::schedule),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/deletion",
                        ctx -> ctx.json(deletions
                                .scheduled(member.apply(ctx))
                                .map(DeletionView::of)
                                .orElseThrow(() -> Refusal.notFound("no deletion of your account is scheduled")))));
    }

    private void schedule(Context ctx) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(
                ctx.body() == null || ctx.body().isBlank() ? "{}" : ctx.body(), Set.of("password", "keep_posts"));
        var scheduled = deletions.schedule(m, body.text("password"), body.bool("keep_posts"));
        ctx.status(202).json(DeletionView.of(scheduled));
    }

    /** @param dueAt when it runs; signing in before then cancels it */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DeletionView(Instant requestedAt, Instant dueAt, boolean keepPosts) {
        static DeletionView of(AccountDeletions.Scheduled s) {
            return new DeletionView(s.requestedAt(), s.dueAt(), s.keepPosts());
        }
    }
}
