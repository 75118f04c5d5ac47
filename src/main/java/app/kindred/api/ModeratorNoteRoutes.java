package app.kindred.api;

import app.kindred.member.Member;
import app.kindred.moderation.MemberNotes;
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
 * The moderators' private notes about a member (issue 15): a community's moderators and this
 * instance's admins read and write them; anyone else is refused as for any moderator's act.
 */
final class ModeratorNoteRoutes {
    private final Function<Context, Member> member;
    private final ModerationService moderation;

    ModeratorNoteRoutes(Function<Context, Member> member, ModerationService moderation) {
        this.member = member;
        this.moderation = moderation;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NoteView(long id, String actor, String author, String text, Instant createdAt) {
        static NoteView of(MemberNotes.Note n) {
            return new NoteView(n.id(), n.subject().toString(), n.author(), n.text(), n.at());
        }
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/communities/{id}/notes", ctx -> {
                    var who = ctx.queryParam("actor");
                    if (who == null || who.isBlank())
                        throw Refusal.invalid("actor", "give ?actor= (a username, handle or URL)");
                    ctx.json(moderation.notes().about(member.apply(ctx), id(ctx, "id"), who).stream()
                            .map(NoteView::of)
                            .toList());
                }),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/communities/{id}/notes", ctx -> {
                    var body = JsonBody.parse(ctx.body(), Set.of("actor", "text"));
                    var note = moderation
                            .notes()
                            .add(
                                    member.apply(ctx),
                                    id(ctx, "id"),
                                    body.requiredText("actor"),
                                    body.requiredText("text"));
                    ctx.status(201).json(NoteView.of(note));
                }),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/communities/{id}/notes/{note}", ctx -> {
                    moderation.notes().delete(member.apply(ctx), id(ctx, "id"), id(ctx, "note"));
                    ctx.status(204);
                }));
    }

    private static long id(Context ctx, String param) {
        return RequestNumbers.path(ctx, param);
    }
}
