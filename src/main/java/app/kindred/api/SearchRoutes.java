package app.kindred.api;

import app.kindred.api.Views.CommunityView;
import app.kindred.api.Views.PostView;
import app.kindred.care.Shown;
import app.kindred.member.Member;
import app.kindred.search.RemoteLookup;
import app.kindred.search.SearchService;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Search (issue 14): words find communities or posts; a pasted handle or URL finds the one thing
 * it names. Public, like reading; a signed-in member's look-up may fetch from other servers.
 */
final class SearchRoutes {
    private final Function<Context, Optional<Member>> member;
    private final SearchService search;
    private final LongFunction<CommunityView> community;
    private final PostViews postViews;
    private final Function<Context, Shown> shown;

    SearchRoutes(
            Function<Context, Optional<Member>> member,
            SearchService search,
            LongFunction<CommunityView> community,
            PostViews postViews,
            Function<Context, Shown> shown) {
        this.shown = shown;
        this.member = member;
        this.search = search;
        this.community = community;
        this.postViews = postViews;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/search", this::search));
    }

    private void search(Context ctx) {
        var q = ctx.queryParam("q");
        var type = ctx.queryParam("type") == null ? "posts" : ctx.queryParam("type");
        if (!type.equals("posts") && !type.equals("communities")) {
            throw JsonBody.badRequest("type", "type must be communities or posts");
        }
        int page = RequestNumbers.page(ctx.queryParam("page"), 500);
        var viewer = member.apply(ctx);
        if (q != null && SearchService.isAddress(q)) {
            var resolved = switch (search.resolve(q, viewer)) {
                case RemoteLookup.Found.Community c -> new Resolved("community", community.apply(c.id()), null);
                case RemoteLookup.Found.Post p -> new Resolved("post", null, postViews.post(p.id(), null, false));
            };
            ctx.json(new Results(q.strip(), type, page, SearchService.PER_PAGE, List.of(), resolved));
            return;
        }
        // A member's hidden communities, breaks, blocks and mutes keep posts out of their results (issue 18).
        var seen = shown.apply(ctx);
        List<?> results = type.equals("communities")
                ? search.communities(q, page).stream().map(community::apply).toList()
                : postViews.list(search.posts(q, page), seen);
        ctx.json(new Results(q.strip(), type, page, SearchService.PER_PAGE, results, null));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Results(String q, String type, int page, int perPage, List<?> results, Resolved resolved) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Resolved(String kind, CommunityView community, PostView post) {}
}
