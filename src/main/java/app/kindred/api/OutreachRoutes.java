package app.kindred.api;

import app.kindred.member.Member;
import app.kindred.outreach.Message;
import app.kindred.outreach.Outreach;
import app.kindred.outreach.OutreachStore;
import app.kindred.refusal.Refusal;
import app.kindred.report.ConcernStops;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Wellbeing outreach (issue 16): moderators on duty, check-in templates, check-in conversations, and
 * stopping a member from filing wellbeing concerns.
 */
final class OutreachRoutes {
    private final Function<Context, Member> member;
    private final Outreach outreach;
    private final ConcernStops stops;

    OutreachRoutes(Function<Context, Member> member, Outreach outreach, ConcernStops stops) {
        this.member = member;
        this.outreach = outreach;
        this.stops = stops;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DutyView(long community, String name, String title, boolean onDuty) {
        static DutyView of(Outreach.Duty d) {
            return new DutyView(d.communityId(), d.name(), d.title(), d.onDuty());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TemplateView(long id, String title, String body) {
        static TemplateView of(OutreachStore.Template t) {
            return new TemplateView(t.id(), t.title(), t.body());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MessageView(
            long id,
            URI moderator,
            URI person,
            boolean fromModerator,
            boolean mine,
            String contentHtml,
            Instant createdAt,
            boolean read) {
        static MessageView of(Message m) {
            return new MessageView(
                    m.id(),
                    m.moderator(),
                    m.person(),
                    m.fromModerator(),
                    m.mine(),
                    m.contentHtml(),
                    m.createdAt(),
                    m.read());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ConversationView(boolean asModerator, List<MessageView> messages) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StopView(URI member, Long community, String reason, Instant createdAt) {
        static StopView of(ConcernStops.Stop s) {
            return new StopView(s.member(), s.communityId(), s.reason(), s.createdAt());
        }
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/duties",
                        ctx -> ctx.json(outreach.duties(member.apply(ctx)).stream()
                                .map(DutyView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.PUT, "/api/v1/communities/{id}/on_duty", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("on_duty"));
                    var onDuty = body.bool("on_duty");
                    if (onDuty == null) throw JsonBody.badRequest("on_duty", "on_duty must be true or false");
                    ctx.json(DutyView.of(outreach.setOnDuty(member.apply(ctx), ApiRoutes.id(ctx), onDuty)));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/communities/{id}/check_in_templates",
                        ctx -> ctx.json(outreach.templates(member.apply(ctx), ApiRoutes.id(ctx)).stream()
                                .map(TemplateView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/communities/{id}/check_in_templates", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("title", "body"));
                    ctx.status(201)
                            .json(TemplateView.of(outreach.addTemplate(
                                    member.apply(ctx), ApiRoutes.id(ctx), body.text("title"), body.text("body"))));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE, "/api/v1/communities/{id}/check_in_templates/{template}", ctx -> {
                            long template;
                            try {
                                template = Long.parseLong(ctx.pathParam("template"));
                            } catch (NumberFormatException e) {
                                throw JsonBody.badRequest("template", "template must be a number");
                            }
                            outreach.removeTemplate(member.apply(ctx), ApiRoutes.id(ctx), template);
                            ctx.status(204);
                        }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/reports/{id}/check_in", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("text"));
                    ctx.status(201)
                            .json(MessageView.of(
                                    outreach.checkIn(member.apply(ctx), ApiRoutes.id(ctx), body.text("text"))));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/check_ins",
                        ctx -> ctx.json(outreach.conversations(member.apply(ctx)).stream()
                                .map(MessageView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/check_ins/{id}", ctx -> {
                    var conversation = outreach.conversation(member.apply(ctx), ApiRoutes.id(ctx));
                    ctx.json(new ConversationView(
                            conversation.asModerator(),
                            conversation.messages().stream()
                                    .map(MessageView::of)
                                    .toList()));
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/check_ins/{id}/reply", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("text"));
                    ctx.status(201)
                            .json(MessageView.of(
                                    outreach.reply(member.apply(ctx), ApiRoutes.id(ctx), body.text("text"))));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/communities/{id}/concern_stops",
                        ctx -> ctx.json(stops.list(member.apply(ctx), ApiRoutes.id(ctx)).stream()
                                .map(StopView::of)
                                .toList())),
                new ApiRoutes.Endpoint(
                        HandlerType.POST,
                        "/api/v1/communities/{id}/concern_stops",
                        ctx -> stop(ctx, ApiRoutes.id(ctx))),
                new ApiRoutes.Endpoint(
                        HandlerType.DELETE,
                        "/api/v1/communities/{id}/concern_stops",
                        ctx -> lift(ctx, ApiRoutes.id(ctx))),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/admin/concern_stops",
                        ctx -> ctx.json(stops.list(member.apply(ctx), null).stream()
                                .map(StopView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/admin/concern_stops", ctx -> stop(ctx, null)),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/admin/concern_stops", ctx -> lift(ctx, null)));
    }

    private void stop(Context ctx, Long community) {
        var body = JsonBody.parse(ctx.body(), Set.of("member", "reason"));
        ctx.status(201)
                .json(StopView.of(
                        stops.stop(member.apply(ctx), community, body.requiredText("member"), body.text("reason"))));
    }

    private void lift(Context ctx, Long community) {
        var who = ctx.queryParam("member");
        if (who == null || who.isBlank()) throw JsonBody.badRequest("member", "name the member with ?member=");
        if (!stops.lift(member.apply(ctx), community, who)) throw Refusal.notFound(who + " was not stopped here");
        ctx.status(204);
    }
}
