package app.kindred.api;

import app.kindred.care.DailyReminder;
import app.kindred.member.Member;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The gentle daily reminder (issue 18): the member's own, never shown to anyone else or federated. */
final class ReminderRoutes {
    private final Function<Context, Member> member;
    private final DailyReminder reminder;

    ReminderRoutes(Function<Context, Member> member, DailyReminder reminder) {
        this.member = member;
        this.reminder = reminder;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/reminder",
                        ctx -> ctx.json(ReminderView.of(reminder.today(member.apply(ctx))))),
                new ApiRoutes.Endpoint(HandlerType.PUT, "/api/v1/me/reminder", this::choose));
    }

    private void choose(Context ctx) {
        var m = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("after_minutes"));
        if (!body.has("after_minutes")) {
            throw JsonBody.badRequest(
                    "after_minutes", "send after_minutes: a number of minutes, or null to turn it off");
        }
        Integer after = body.isNull("after_minutes") ? null : body.requiredInt("after_minutes");
        ctx.json(ReminderView.of(reminder.choose(m, after)));
    }

    /** @param afterMinutes null when the reminder is off; {@code minutesToday} counts only while it is on */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ReminderView(Integer afterMinutes, int minutesToday, boolean due) {
        static ReminderView of(DailyReminder.Today t) {
            return new ReminderView(t.afterMinutes(), t.minutes(), t.due());
        }
    }
}
