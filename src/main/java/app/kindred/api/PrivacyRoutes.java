package app.kindred.api;

import app.kindred.follow.FollowService;
import app.kindred.member.Member;
import app.kindred.moderation.ModerationService;
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
 * Private communities (issue 17): a community's visibility and application questions, where a
 * member's own application stands, and a moderator removing a member. The settings change through
 * {@code PATCH /api/v1/communities/{id}}; follow requests keep their routes in {@link ApiRoutes}.
 */
final class PrivacyRoutes {
    private final Function<Context, Member> member;
    private final ModerationService moderation;
    private final FollowService follows;
    private final Function<Long, Object> community;

    PrivacyRoutes(
            Function<Context, Member> member,
            ModerationService moderation,
            FollowService follows,
            Function<Long, Object> community) {
        this.member = member;
        this.moderation = moderation;
        this.follows = follows;
        this.community = community;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PrivacyView(String visibility, List<String> applicationQuestions) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ApplicationView(String state, Instant refusedAt, String reason) {}

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/privacy", ctx -> {
                    community.apply(ApiRoutes.id(ctx));
                    var privacy = moderation.privacy(ApiRoutes.id(ctx));
                    ctx.json(new PrivacyView(privacy.visibility(), privacy.applicationQuestions()));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/application", ctx -> {
                    var standing = follows.application(member.apply(ctx), ApiRoutes.id(ctx))
                            .orElseThrow(() -> Refusal.notFound("you have no application waiting or refused here"));
                    ctx.json(new ApplicationView(
                            standing.refused() ? "refused" : "pending", standing.refusedAt(), standing.reason()));
                }),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/communities/{id}/members/{actor}", ctx -> {
                    var by = member.apply(ctx);
                    long id = ApiRoutes.id(ctx);
                    community.apply(id);
                    if (!moderation.mayModerate(by, id))
                        throw new Refusal(
                                Refusal.Kind.FORBIDDEN, null, "only the community's moderators remove members");
                    String reason = null;
                    if (!ctx.body().isBlank())
                        reason = JsonBody.parse(ctx.body(), Set.of("reason")).text("reason");
                    follows.removeMember(id, actor(ctx), reason);
                    ctx.status(204);
                }));
    }

    static long actor(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("actor"));
        } catch (NumberFormatException e) {
            throw JsonBody.badRequest("actor", "actor must be the number listed in follow_requests");
        }
    }
}
