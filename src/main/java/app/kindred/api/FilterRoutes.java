package app.kindred.api;

import app.kindred.care.Filters;
import app.kindred.care.MemberFilter;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** A member's own filters (issue 16): words whose posts they would rather not see, hidden or collapsed. */
final class FilterRoutes {
    private static final long MAX_EXPIRES_IN = 10L * 365 * 24 * 3600;

    private final Function<Context, Member> member;
    private final Filters filters;

    FilterRoutes(Function<Context, Member> member, Filters filters) {
        this.member = member;
        this.filters = filters;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record KeywordView(String keyword, boolean wholeWord) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FilterView(long id, String title, String action, List<KeywordView> keywords, Instant expiresAt) {
        static FilterView of(MemberFilter f) {
            return new FilterView(
                    f.id(),
                    f.title(),
                    f.action().wire(),
                    f.keywords().stream()
                            .map(k -> new KeywordView(k.keyword(), k.wholeWord()))
                            .toList(),
                    f.expiresAt());
        }
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/filters",
                        ctx -> ctx.json(filters.list(member.apply(ctx)).stream()
                                .map(FilterView::of)
                                .toList())),
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/me/filters", this::add),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/me/filters/{id}", ctx -> {
                    filters.remove(member.apply(ctx), ApiRoutes.id(ctx));
                    ctx.status(204);
                }));
    }

    private void add(Context ctx) {
        var who = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("title", "action", "keywords", "expires_in"));
        var actionText = body.requiredText("action").toUpperCase(Locale.ROOT);
        MemberFilter.Action action;
        try {
            action = MemberFilter.Action.valueOf(actionText);
        } catch (IllegalArgumentException e) {
            throw JsonBody.badRequest("action", "action must be hide or collapse");
        }
        var list = body.node("keywords");
        if (!list.isArray()) throw JsonBody.badRequest("keywords", "keywords must be a list");
        var keywords = new ArrayList<MemberFilter.Keyword>();
        for (var k : list) {
            if (k.isTextual()) keywords.add(new MemberFilter.Keyword(k.asText(), true));
            else if (k.isObject() && k.path("keyword").isTextual()) {
                var whole = k.path("whole_word");
                if (!whole.isMissingNode() && !whole.isBoolean())
                    throw JsonBody.badRequest("keywords", "whole_word must be true or false");
                keywords.add(new MemberFilter.Keyword(k.path("keyword").asText(), whole.asBoolean(true)));
            } else throw JsonBody.badRequest("keywords", "each keyword is a string or {\"keyword\", \"whole_word\"}");
        }
        Duration expiresIn = null;
        if (body.has("expires_in") && !body.isNull("expires_in")) {
            int seconds = body.requiredInt("expires_in");
            if (seconds < 60 || seconds > MAX_EXPIRES_IN)
                throw Refusal.invalid("expires_in", "expires_in is 60 seconds to 10 years");
            expiresIn = Duration.ofSeconds(seconds);
        }
        var added = filters.add(who, new Filters.Draft(body.requiredText("title"), action, keywords, expiresIn));
        ctx.status(201).json(FilterView.of(added));
    }
}
