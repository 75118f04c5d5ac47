package app.kindred.api;

import app.kindred.api.Views.BreakView;
import app.kindred.api.Views.CommunityView;
import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.Exports;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A member's distance and their own data (issue 18): blocks, mutes, hidden communities, breaks and
 * the export. Every route needs a bearer token and shows only its own member's things; none of it
 * is visible to anyone else or sent to another server.
 */
final class CareRoutes {
    static final String EXPORT_DOWNLOAD = "/api/v1/me/export/download/{token}";

    private final Function<Context, Member> member;
    private final Boundaries boundaries;
    private final Breaks breaks;
    private final Exports exports;
    private final LongFunction<CommunityView> community;

    CareRoutes(
            Function<Context, Member> member,
            Boundaries boundaries,
            Breaks breaks,
            Exports exports,
            LongFunction<CommunityView> community) {
        this.member = member;
        this.boundaries = boundaries;
        this.breaks = breaks;
        this.exports = exports;
        this.community = community;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/me/blocks", ctx -> list(ctx, Boundaries.Kind.BLOCK)),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/blocks", ctx -> keep(ctx, Boundaries.Kind.BLOCK)),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE, "/api/v1/me/blocks/{actor}", ctx -> release(ctx, Boundaries.Kind.BLOCK)),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/me/mutes", ctx -> list(ctx, Boundaries.Kind.MUTE)),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/mutes", ctx -> keep(ctx, Boundaries.Kind.MUTE)),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE, "/api/v1/me/mutes/{actor}", ctx -> release(ctx, Boundaries.Kind.MUTE)),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/hidden_communities",
                        ctx -> ctx.json(boundaries.hiddenCommunities(member.apply(ctx)).stream()
                                .map(HiddenView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/hidden_communities", this::hide),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/me/hidden_communities/{id}", ctx -> {
                    boundaries.unhide(member.apply(ctx), longParam(ctx, "id"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/breaks",
                        ctx -> ctx.json(breaks.activeFor(member.apply(ctx)).stream()
                                .map(BreakView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/breaks", this::takeBreak),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/me/breaks/{id}", ctx -> {
                    breaks.end(member.apply(ctx), longParam(ctx, "id"));
                    ctx.status(204);
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.POST,
                        "/api/v1/me/export",
                        ctx -> ctx.status(202).json(ExportView.of(exports.request(member.apply(ctx))))),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/export",
                        ctx -> ctx.json(exports.status(member.apply(ctx))
                                .map(ExportView::of)
                                .orElseThrow(() -> Refusal.notFound("you have not asked for an export yet")))),
                new ApiRoutes.Endpoint(HandlerType.GET, EXPORT_DOWNLOAD, this::download));
    }

    private void list(Context ctx, Boundaries.Kind kind) {
        ctx.json(boundaries.list(member.apply(ctx), kind).stream()
                .map(KeptView::of)
                .toList());
    }

    private void keep(Context ctx, Boundaries.Kind kind) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("member"));
        ctx.status(201).json(KeptView.of(boundaries.keep(m, kind, body.requiredText("member"))));
    }

    private void release(Context ctx, Boundaries.Kind kind) {
        boundaries.release(member.apply(ctx), kind, longParam(ctx, "actor"));
        ctx.status(204);
    }

    private void hide(Context ctx) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("community_id"));
        long id = body.requiredInt("community_id");
        community.apply(id);
        ctx.status(201).json(HiddenView.of(boundaries.hide(m, id)));
    }

    private void takeBreak(Context ctx) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("community_id", "length"));
        Long communityId = body.has("community_id") && !body.isNull("community_id")
                ? (long) body.requiredInt("community_id")
                : null;
        if (communityId != null) community.apply(communityId);
        var length = Breaks.Length.of(body.requiredText("length"));
        ctx.status(201).json(BreakView.of(breaks.take(m, communityId, length)));
    }

    private void download(Context ctx) {
        var file = exports.download(member.apply(ctx), ctx.pathParam("token"));
        try {
            ctx.header("Cache-Control", "no-store")
                    .header("Content-Disposition", "attachment; filename=\"kindred-export.zip\"")
                    .contentType("application/zip")
                    .result(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long longParam(Context ctx, String name) {
        return RequestNumbers.path(ctx, name);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record KeptView(long actor, String handle, String actorId, boolean local, Instant since) {
        static KeptView of(Boundaries.Kept k) {
            return new KeptView(k.actorId(), k.handle(), k.actorUri().toString(), k.local(), k.since());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record HiddenView(long communityId, String community, String title, Instant since) {
        static HiddenView of(Boundaries.HiddenCommunity h) {
            return new HiddenView(h.communityId(), h.handle(), h.title(), h.since());
        }
    }

    /** @param download the link while it works, to be fetched with the same member's token */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExportView(
            String status,
            int progress,
            Instant requested,
            Instant finished,
            Instant expires,
            String download,
            String error) {
        static ExportView of(Exports.Export e) {
            return new ExportView(
                    e.status().wire(),
                    e.progress(),
                    e.requestedAt(),
                    e.finishedAt(),
                    e.token() == null ? null : e.expiresAt(),
                    e.token() == null ? null : EXPORT_DOWNLOAD.replace("{token}", e.token()),
                    e.error());
        }
    }
}
