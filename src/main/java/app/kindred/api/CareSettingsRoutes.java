package app.kindred.api;

import app.kindred.care.Care;
import app.kindred.care.CommunityCare;
import app.kindred.care.CrisisResource;
import app.kindred.member.Member;
import app.kindred.moderation.ModerationService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Care in a community (issue 16): its content-warning policy and pre-moderation settings, the
 * moderators' queue of held posts and their approval, and crisis resources of the instance and of
 * each community. The settings themselves change through {@code PATCH /api/v1/communities/{id}}.
 */
final class CareSettingsRoutes {
    private static final int HELD_PER_PAGE = 50;

    private final Function<Context, Member> member;
    private final Function<Context, Optional<Member>> viewer;
    private final ModerationService moderation;
    private final PostViews posts;
    private final Care resources;
    private final Function<Long, Object> community;

    CareSettingsRoutes(
            Function<Context, Member> member,
            Function<Context, Optional<Member>> viewer,
            ModerationService moderation,
            PostViews posts,
            Care resources,
            Function<Long, Object> community) {
        this.member = member;
        this.viewer = viewer;
        this.moderation = moderation;
        this.posts = posts;
        this.resources = resources;
        this.community = community;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CareView(
            JsonNode contentWarningPolicy, String holdPosts, int holdFirstPosts, List<ResourceView> crisisResources) {
        static CareView of(CommunityCare care) {
            return new CareView(
                    care.policy().toJson(),
                    care.hold().wire(),
                    care.holdFirstPosts(),
                    care.resources().stream().map(ResourceView::of).toList());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ResourceView(String name, String contact, String hours, String region, String language) {
        static ResourceView of(CrisisResource r) {
            return new ResourceView(r.name(), r.contact(), r.hours(), r.region(), r.language());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ResourcesView(List<ResourceView> resources) {
        static ResourcesView of(List<CrisisResource> list) {
            return new ResourcesView(list.stream().map(ResourceView::of).toList());
        }
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/care", ctx -> {
                    community.apply(ApiRoutes.id(ctx));
                    ctx.json(CareView.of(moderation.care(ApiRoutes.id(ctx))));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/held", this::held),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/posts/{id}/approve", this::approve),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/instance/crisis_resources",
                        ctx -> ctx.json(ResourcesView.of(resources.instanceResources()))),
                new ApiRoutes.Endpoint(HandlerType.PUT, "/api/v1/instance/crisis_resources", ctx -> {
                    var list = CrisisResource.parse(JsonBody.tree(ctx.body()));
                    resources.setInstanceResources(member.apply(ctx), list);
                    ctx.json(ResourcesView.of(resources.instanceResources()));
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/crisis_resources", ctx -> {
                    community.apply(ApiRoutes.id(ctx));
                    ctx.json(ResourcesView.of(
                            resources.community(ApiRoutes.id(ctx)).resources()));
                }),
                new ApiRoutes.Endpoint(HandlerType.PUT, "/api/v1/communities/{id}/crisis_resources", ctx -> {
                    var list = CrisisResource.parse(JsonBody.tree(ctx.body()));
                    moderation.setCrisisResources(member.apply(ctx), ApiRoutes.id(ctx), list);
                    ctx.json(ResourcesView.of(
                            resources.community(ApiRoutes.id(ctx)).resources()));
                }));
    }

    private void held(Context ctx) {
        var by = member.apply(ctx);
        int page = page(ctx.queryParam("page"));
        var held = moderation.held(by, ApiRoutes.id(ctx), HELD_PER_PAGE, (page - 1) * HELD_PER_PAGE);
        ctx.json(posts.held(held));
    }

    private void approve(Context ctx) {
        var by = member.apply(ctx);
        String warning = null;
        if (!ctx.body().isBlank()) {
            var body = JsonBody.parse(ctx.body(), Set.of("content_warning"));
            warning = body.text("content_warning");
        }
        var approved = moderation.approve(by, ApiRoutes.id(ctx), warning);
        ctx.json(posts.post(approved.id(), viewer.apply(ctx).orElse(null), true));
    }

    private static int page(String raw) {
        return RequestNumbers.page(raw, 10_000);
    }
}
