package app.kindred.web.pages;

import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.follow.Applications;
import app.kindred.follow.FollowService;
import app.kindred.follow.FollowStore;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Private communities (issue 17): the join page, where a member answers the community's questions
 * and learns where their application stands, and the moderators' page of applications to approve or
 * refuse. Plain forms; the rules stay in the follow and moderation features.
 */
public final class PrivateCommunityPages {
    /** The join page: the questions as fields, or where the member's application stands. */
    public record JoinPage(
            String communityTitle,
            String href,
            boolean isPrivate,
            List<String> questions,
            String standing,
            String refusalReason,
            Form form) {}

    /** One application as a moderator reads it. */
    public record Request(long actorId, String name, String actor, List<Applications.Answer> answers) {}

    public record RequestsPage(String communityTitle, String href, List<Request> requests, String done) {}

    private final Site site;
    private final CommunityService communities;
    private final FollowService follows;
    private final ModerationService moderation;

    public PrivateCommunityPages(
            Site site, CommunityService communities, FollowService follows, ModerationService moderation) {
        this.site = site;
        this.communities = communities;
        this.follows = follows;
        this.moderation = moderation;
    }

    public void register(RoutesConfig routes) {
        routes.get("/c/{name}/join", ctx -> join(ctx, 200, community(ctx), Form.empty()));
        routes.post("/c/{name}/join", this::apply);
        routes.get("/c/{name}/requests", this::requests);
        routes.post("/c/{name}/requests/{actor}/approve", ctx -> answer(ctx, true));
        routes.post("/c/{name}/requests/{actor}/refuse", ctx -> answer(ctx, false));
    }

    private Community community(Context ctx) {
        return communities
                .find(ctx.pathParam("name"))
                .orElseThrow(() -> Refusal.notFound("there is no community here"));
    }

    private static String field(int i) {
        return "answer" + (i + 1);
    }

    private void join(Context ctx, int status, Community community, Form form) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var privacy = moderation.privacy(community.id());
        var href = "/c/" + community.name();
        String standing = null, reason = null;
        var subscribed = follows.subscriptions(member).stream()
                .filter(s -> s.community().id() == community.id())
                .findFirst();
        if (subscribed.isPresent()) {
            standing = subscribed.get().state() == FollowStore.State.ACCEPTED ? "member" : "pending";
        } else {
            var application = follows.application(member, community.id());
            if (application.isPresent() && application.get().refused()) {
                standing = "refused";
                reason = application.get().reason();
            }
        }
        var title = m.t("private.join.title", community.title());
        site.send(
                ctx,
                status,
                "join.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), href),
                        new Crumb(title, href + "/join")),
                new JoinPage(
                        community.title(),
                        href,
                        privacy.isPrivate(),
                        privacy.applicationQuestions(),
                        standing,
                        reason,
                        form));
    }

    private void apply(Context ctx) {
        var community = community(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var questions = moderation.privacy(community.id()).applicationQuestions();
        var names = new String[questions.size()];
        for (int i = 0; i < names.length; i++) names[i] = field(i);
        var values = Site.fields(ctx, names);
        if (!site.sessions().csrfValid(ctx)) {
            join(ctx, 403, community, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        var errors = new ArrayList<FieldError>();
        for (int i = 0; i < names.length; i++)
            if (values.get(names[i]).isBlank()) errors.add(new FieldError(names[i], m.t("private.join.answerMissing")));
        if (!errors.isEmpty()) {
            join(ctx, 422, community, new Form(values, errors));
            return;
        }
        try {
            var subscription = follows.follow(member, community.name(), new ArrayList<>(values.values()));
            Site.seeOther(
                    ctx,
                    subscription.state() == FollowStore.State.ACCEPTED
                            ? "/c/" + community.name()
                            : "/c/" + community.name() + "/join");
        } catch (Refusal r) {
            join(
                    ctx,
                    r.kind() == Refusal.Kind.FORBIDDEN ? 403 : 422,
                    community,
                    Site.refused(values, r, answerField()));
        }
    }

    /** A refusal about the answers goes beside the first answer. */
    private static Map<String, String> answerField() {
        var map = new LinkedHashMap<String, String>();
        map.put("answers", field(0));
        return map;
    }

    /** Applications are answered on the community's own server: a local community its moderators keep. */
    private Community moderated(Context ctx) {
        return CommunitySettingsPages.moderated(ctx, site, communities, moderation);
    }

    private void requests(Context ctx) {
        var community = moderated(ctx);
        var m = site.messages(ctx);
        var href = "/c/" + community.name();
        var title = m.t("private.requests.title", community.title());
        var list = follows.followRequests(community.id()).stream()
                .map(r -> new Request(r.actorId(), r.name(), r.actor(), r.answers()))
                .toList();
        site.send(
                ctx,
                "requests.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), href),
                        new Crumb(title, href + "/requests")),
                new RequestsPage(community.title(), href, list, ctx.queryParam("done")));
    }

    private void answer(Context ctx, boolean approve) {
        var community = moderated(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        long actor;
        try {
            actor = Long.parseLong(ctx.pathParam("actor"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is no such application");
        }
        var reason = ctx.formParam("reason");
        follows.answer(community.id(), actor, approve, reason == null || reason.isBlank() ? null : reason);
        Site.seeOther(ctx, "/c/" + community.name() + "/requests?done=" + (approve ? "approved" : "refused"));
    }
}
