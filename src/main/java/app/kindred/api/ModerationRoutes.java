package app.kindred.api;

import app.kindred.care.HoldPosts;
import app.kindred.care.WarningPolicy;
import app.kindred.media.MediaService;
import app.kindred.media.MediaStore;
import app.kindred.member.Member;
import app.kindred.moderation.ModerationService;
import app.kindred.policy.CommunityBlocks;
import app.kindred.refusal.Refusal;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Moderation through the API (issue 7): guidelines, moderators, removals, locks, pins, bans, community
 * settings and the public moderation log. Thin: parse, call {@link ModerationService}, render.
 */
final class ModerationRoutes {

    private final Function<Context, Member> member;
    private final ModerationService moderation;
    private final Function<Long, Object> community;
    private final Function<Long, Object> post;
    private final MediaService media;
    private final ThreadService threads;

    ModerationRoutes(
            Function<Context, Member> member,
            ModerationService moderation,
            Function<Long, Object> community,
            Function<Long, Object> post,
            MediaService media,
            ThreadService threads) {
        this.threads = threads;
        this.media = media;
        this.member = member;
        this.moderation = moderation;
        this.community = community;
        this.post = post;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RuleView(int number, String title, String description) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LogEntryView(
            long id, String action, String target, String reason, Instant expires, Instant at, String moderator) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BanView(String actor, String reason, Instant expires, Instant since) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BlockView(String target, String kind, String reason) {
        static BlockView of(CommunityBlocks.Block b) {
            return new BlockView(b.target(), b.kind().name().toLowerCase(Locale.ROOT), b.reason());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BlockResult(int followsEnded) {}

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/communities/{id}/rules",
                        ctx -> ctx.json(moderation.rules(id(ctx)).stream()
                                .map(r -> new RuleView(r.number(), r.title(), r.description()))
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.PUT, "/api/v1/communities/{id}/rules", this::setRules),
                new ApiRoutes.Endpoint(HandlerType.PATCH, "/api/v1/communities/{id}", this::edit),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/communities/{id}/moderators",
                        ctx -> ctx.json(moderation.moderators(id(ctx)))),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/communities/{id}/moderators", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("actor"));
                    moderation.addModerator(member.apply(ctx), id(ctx), body.requiredText("actor"));
                    ctx.json(moderation.moderators(id(ctx)));
                }),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/communities/{id}/moderators", ctx -> {
                    moderation.removeModerator(member.apply(ctx), id(ctx), required(ctx, "actor"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/communities/{id}/bans",
                        ctx -> ctx.json(moderation.bans(member.apply(ctx), id(ctx)).stream()
                                .map(b -> new BanView(b.actor(), b.reason(), b.expires(), b.since()))
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/communities/{id}/bans", this::ban),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/communities/{id}/bans", ctx -> {
                    moderation.unban(member.apply(ctx), id(ctx), required(ctx, "actor"), ctx.queryParam("reason"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/modlog", this::log),
                // Per-community blocks (mod5).
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/communities/{id}/blocks",
                        ctx -> ctx.json(moderation.blocks(member.apply(ctx), id(ctx)).stream()
                                .map(BlockView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/communities/{id}/blocks", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("target", "reason"));
                    int ended = moderation.block(
                            member.apply(ctx), id(ctx), body.requiredText("target"), body.text("reason"));
                    ctx.status(201).json(new BlockResult(ended));
                }),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/communities/{id}/blocks", ctx -> {
                    moderation.unblock(member.apply(ctx), id(ctx), required(ctx, "target"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/posts/{id}/removal", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("reason"));
                    ctx.json(post.apply(moderation
                            .remove(member.apply(ctx), id(ctx), body.text("reason"))
                            .id()));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE,
                        "/api/v1/posts/{id}/removal",
                        ctx -> ctx.json(post.apply(moderation
                                .restore(member.apply(ctx), id(ctx), ctx.queryParam("reason"))
                                .id()))),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/posts/{id}/lock", ctx -> {
                    var body = ctx.body().isBlank() ? null : JsonBody.parse(ctx.body(), Set.of("reason"));
                    ctx.json(post.apply(moderation
                            .lock(member.apply(ctx), id(ctx), body == null ? null : body.text("reason"), true)
                            .id()));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE,
                        "/api/v1/posts/{id}/lock",
                        ctx -> ctx.json(post.apply(moderation
                                .lock(member.apply(ctx), id(ctx), ctx.queryParam("reason"), false)
                                .id()))),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/posts/{id}/pin", ctx -> {
                    var body = ctx.body().isBlank() ? null : JsonBody.parse(ctx.body(), Set.of("reason"));
                    ctx.json(post.apply(moderation
                            .pin(member.apply(ctx), id(ctx), body == null ? null : body.text("reason"), true)
                            .id()));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE,
                        "/api/v1/posts/{id}/pin",
                        ctx -> ctx.json(post.apply(moderation
                                .pin(member.apply(ctx), id(ctx), ctx.queryParam("reason"), false)
                                .id()))));
    }

    private void setRules(Context ctx) {
        var viewer = member.apply(ctx);
        var node = JsonBody.tree(ctx.body());
        if (node == null || !node.isArray())
            throw JsonBody.badRequest(null, "the body must be a JSON array of {title, description}");
        var drafts = new ArrayList<ModerationService.RuleDraft>();
        for (var item : node) {
            var body = JsonBody.parse(item.toString(), Set.of("title", "description"));
            drafts.add(new ModerationService.RuleDraft(body.text("title"), body.text("description")));
        }
        ctx.json(moderation.setRules(viewer, id(ctx), drafts).stream()
                .map(r -> new RuleView(r.number(), r.title(), r.description()))
                .toList());
    }

    /** The fields {@code edit} stores in steps of their own, before the general edit of the rest. */
    private static final Set<String> OWN_STEPS = Set.of(
            "visibility",
            "application_questions",
            "confirm_public",
            "anonymous_posting",
            "sensitive",
            "content_warning_policy",
            "hold_posts",
            "hold_first_posts");

    private void edit(Context ctx) {
        var viewer = member.apply(ctx);
        var body = JsonBody.parse(
                ctx.body(),
                Set.of(
                        "title",
                        "description",
                        "posting_restricted_to_mods",
                        "show_moderator_names",
                        "icon",
                        "banner",
                        "content_warning_policy",
                        "hold_posts",
                        "hold_first_posts",
                        "sensitive",
                        "anonymous_posting",
                        // Private communities (issue 17)
                        "visibility",
                        "application_questions",
                        "confirm_public"));
        // Every value is checked before anything is stored, so a refused body changes nothing (the
        // care policy, the visibility and the flags below are each stored by their own feature).
        Boolean anonymous = null;
        if (body.has("anonymous_posting")) {
            anonymous = body.bool("anonymous_posting");
            if (anonymous == null)
                throw JsonBody.badRequest("anonymous_posting", "anonymous_posting must be true or false");
        }
        Boolean isPrivate = null;
        if (body.has("visibility")) {
            isPrivate = switch (String.valueOf(body.text("visibility"))) {
                case "private" -> true;
                case "public" -> false;
                default -> throw JsonBody.badRequest("visibility", "visibility must be \"public\" or \"private\"");
            };
        }
        ModerationService.CareSettings care = null;
        if (body.has("content_warning_policy") || body.has("hold_posts") || body.has("hold_first_posts")) {
            care = new ModerationService.CareSettings(
                    body.has("content_warning_policy")
                            ? WarningPolicy.parse(body.node("content_warning_policy"))
                            : null,
                    body.text("hold_posts") == null ? null : HoldPosts.parse(body.text("hold_posts")),
                    body.has("hold_first_posts") ? body.requiredInt("hold_first_posts") : null);
        }
        // Private communities (issue 17) first: going public without confirming is refused before any write.
        if (body.has("visibility") || body.has("application_questions")) {
            moderation.editPrivacy(
                    viewer,
                    id(ctx),
                    new ModerationService.PrivacySettings(
                            isPrivate,
                            body.has("application_questions") ? body.texts("application_questions") : null,
                            Boolean.TRUE.equals(body.bool("confirm_public"))));
        }
        // Issue 17: anonymous posting is the thread feature's setting.
        if (anonymous != null) threads.setAnonymousPosting(viewer, id(ctx), anonymous);
        // Marked before the edit below, whose Update{Group} then says it too (modset6).
        if (body.has("sensitive"))
            moderation.markSensitive(viewer, id(ctx), Boolean.TRUE.equals(body.bool("sensitive")));
        if (care != null) moderation.editCare(viewer, id(ctx), care);
        // Only what the steps above do not store goes on to the general edit; nothing left, nothing more to do.
        if (!body.fields().isEmpty() && body.fields().stream().allMatch(OWN_STEPS::contains)) {
            ctx.json(community.apply(id(ctx)));
            return;
        }
        if (body.has("icon") || body.has("banner")) {
            if (!moderation.mayModerate(viewer, id(ctx))) {
                throw new Refusal(
                        Refusal.Kind.FORBIDDEN, null, "only the community's moderators change its icon and banner");
            }
            // Set before the edit below, whose Update{Group} then carries the new pictures to followers.
            if (body.has("icon")) media.setCommunityPicture(viewer, id(ctx), MediaStore.Slot.ICON, body.id("icon"));
            if (body.has("banner"))
                media.setCommunityPicture(viewer, id(ctx), MediaStore.Slot.IMAGE, body.id("banner"));
        }
        var edited = moderation.edit(
                viewer,
                id(ctx),
                new ModerationService.Settings(
                        body.text("title"),
                        body.text("description"),
                        body.bool("posting_restricted_to_mods"),
                        body.bool("show_moderator_names")));
        ctx.json(community.apply(edited.id()));
    }

    private void ban(Context ctx) {
        var viewer = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("actor", "reason", "expires", "remove_data"));
        Instant expires = null;
        if (body.text("expires") != null) {
            try {
                expires = Instant.parse(body.text("expires"));
            } catch (DateTimeParseException e) {
                throw JsonBody.badRequest("expires", "expires must be a time like 2030-01-01T00:00:00Z");
            }
        }
        moderation.ban(
                viewer,
                id(ctx),
                new ModerationService.BanRequest(
                        body.requiredText("actor"),
                        body.text("reason"),
                        expires,
                        Boolean.TRUE.equals(body.bool("remove_data"))));
        ctx.status(204);
    }

    private void log(Context ctx) {
        // The log is public; signing in only changes whether moderators are named.
        Member viewer = ctx.header("Authorization") == null ? null : member.apply(ctx);
        Long before = optionalNumber(ctx, "before");
        Long limit = optionalNumber(ctx, "limit");
        if (limit != null && (limit < 1 || limit > ModerationService.MAX_LOG_PAGE)) {
            throw Refusal.invalid("limit", "give a limit from 1 to " + ModerationService.MAX_LOG_PAGE);
        }
        ctx.json(
                moderation
                        .log(viewer, id(ctx), before, limit == null ? ModerationService.MAX_LOG_PAGE : limit.intValue())
                        .stream()
                        .map(e -> new LogEntryView(
                                e.id(),
                                e.action().wireName(),
                                e.target(),
                                e.reason(),
                                e.expires(),
                                e.at(),
                                e.moderator()))
                        .toList());
    }

    private static Long optionalNumber(Context ctx, String param) {
        var value = ctx.queryParam(param);
        if (value == null || value.isBlank()) return null;
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw Refusal.invalid(param, "?" + param + "= takes a whole number, not '" + value + "'");
        }
    }

    private static String required(Context ctx, String param) {
        var value = ctx.queryParam(param);
        if (value == null || value.isBlank()) throw Refusal.invalid(param, "give ?" + param + "=");
        return value;
    }

    private static long id(Context ctx) {
        return RequestNumbers.path(ctx, "id");
    }
}
