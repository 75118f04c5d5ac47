package app.kindred.web.pages;

import app.kindred.care.Care;
import app.kindred.care.CrisisResource;
import app.kindred.care.HoldPosts;
import app.kindred.care.WarningPolicy;
import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.media.MediaService;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.thread.Discussions;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import app.kindred.web.pages.Views.HelpPage;
import app.kindred.web.pages.Views.PostCard;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Care on the web (issue 16): the help page with the instance's and a community's crisis resources,
 * and, for a community's moderators, its care settings (content-warning policy, what waits for a
 * moderator, crisis resources) and the posts waiting for them.
 */
public final class CommunityCarePages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Refusals name the API's fields; the form's are these. */
    private static final Map<String, String> FIELDS = Map.of(
            "content_warning_policy", "topics",
            "hold_posts", "hold",
            "hold_first_posts", "first_posts",
            "resources", "resources");

    private final Site site;
    private final CommunityService communities;
    private final ModerationService moderation;
    private final Care care;
    private final Discussions discussions;
    private final MediaService media;

    public CommunityCarePages(
            Site site,
            CommunityService communities,
            ModerationService moderation,
            Care care,
            Discussions discussions,
            MediaService media) {
        this.site = site;
        this.communities = communities;
        this.moderation = moderation;
        this.care = care;
        this.discussions = discussions;
        this.media = media;
    }

    /** The moderators' care settings form; {@code saved} after a save. */
    public record CareSettingsPage(CommunityCard community, Form form, boolean saved) {}

    /** The posts waiting for a moderator, each with its decision forms. */
    public record HeldPage(CommunityCard community, List<PostCard> posts) {}

    public void register(RoutesConfig routes) {
        routes.get("/help", this::help);
        routes.get("/c/{name}/care", ctx -> settings(ctx, 200, values(moderated(ctx)), List.of(), false));
        routes.post("/c/{name}/care", this::save);
        routes.get("/c/{name}/held", this::held);
        routes.post("/c/{name}/held/{id}/approve", ctx -> decide(ctx, true));
        routes.post("/c/{name}/held/{id}/refuse", ctx -> decide(ctx, false));
    }

    private void help(Context ctx) {
        var m = site.messages(ctx);
        var named = ctx.queryParam("c");
        var community = named == null || named.isBlank()
                ? null
                : communities.find(named.strip()).orElse(null);
        site.send(
                ctx,
                "help.jte",
                site.chrome(ctx, m.t("help.title"), new Crumb(m.t("help.title"), "/help")),
                new HelpPage(
                        site.instanceName(),
                        care.instanceResources(),
                        community == null ? null : community.title(),
                        community == null
                                ? List.of()
                                : care.community(community.id()).resources()));
    }

    /** A local community the signed-in member moderates; anyone else is refused. */
    private Community moderated(Context ctx) {
        return CommunitySettingsPages.moderated(ctx, site, communities, moderation);
    }

    private Map<String, String> values(Community community) {
        var settings = care.community(community.id());
        var values = new LinkedHashMap<String, String>();
        values.put("mode", settings.policy().mode().wire());
        values.put(
                "topics",
                settings.policy().topics().stream()
                        .map(t -> t.words().isEmpty() ? t.name() : t.name() + ": " + String.join(", ", t.words()))
                        .collect(Collectors.joining("\n")));
        values.put("hold", settings.hold().wire());
        values.put("first_posts", String.valueOf(settings.holdFirstPosts()));
        values.put(
                "resources",
                settings.resources().stream()
                        .map(r -> String.join(" | ", r.name(), r.contact(), r.hours(), r.region(), r.language())
                                .replaceAll("( \\| )+$", ""))
                        .collect(Collectors.joining("\n")));
        return values;
    }

    private void settings(Context ctx, int status, Map<String, String> values, List<FieldError> errors, boolean saved) {
        var community = moderated(ctx);
        var m = site.messages(ctx);
        var card = card(community);
        var title = m.t("care.title", community.title());
        site.send(
                ctx,
                status,
                "care.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), card.href()),
                        new Crumb(m.t("care.crumb"), card.href() + "/care")),
                new CareSettingsPage(card, new Form(values, errors), saved || ctx.queryParam("saved") != null));
    }

    private void save(Context ctx) {
        var community = moderated(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "mode", "topics", "hold", "first_posts", "resources");
        if (!site.sessions().csrfValid(ctx)) {
            settings(ctx, 403, values, List.of(new FieldError(null, m.t("error.csrf.form"))), false);
            return;
        }
        try {
            var policy = WarningPolicy.parse(policyJson(values.get("mode"), values.get("topics")));
            var hold = HoldPosts.parse(values.getOrDefault("hold", "none"));
            Integer firstPosts;
            try {
                firstPosts =
                        Integer.valueOf(values.getOrDefault("first_posts", "").strip());
            } catch (NumberFormatException e) {
                throw Refusal.invalid("hold_first_posts", "how many first posts wait must be a number from 1 to 100");
            }
            var resources = CrisisResource.parse(resourcesJson(values.get("resources")));
            moderation.editCare(member, community.id(), new ModerationService.CareSettings(policy, hold, firstPosts));
            moderation.setCrisisResources(member, community.id(), resources);
            Site.seeOther(ctx, "/c/" + community.name() + "/care?saved=1");
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN || r.kind() == Refusal.Kind.NOT_FOUND) throw r;
            var form = Site.refused(values, r, FIELDS);
            settings(ctx, CommunityPages.status(r), values, form.errors(), false);
        }
    }

    /** "name: word, word" a line, as the API's policy object, so one parser checks both. */
    private static com.fasterxml.jackson.databind.JsonNode policyJson(String mode, String topics) {
        var policy = JSON.createObjectNode().put("mode", mode == null ? "" : mode);
        var list = policy.putArray("topics");
        if (topics != null && "topics".equals(mode)) {
            for (var line : topics.split("\\R")) {
                if (line.isBlank()) continue;
                int colon = line.indexOf(':');
                var topic = list.addObject().put("name", (colon < 0 ? line : line.substring(0, colon)).strip());
                var words = topic.putArray("words");
                if (colon >= 0)
                    for (var word : line.substring(colon + 1).split(",")) if (!word.isBlank()) words.add(word.strip());
            }
        }
        return policy;
    }

    /** "name | contact | hours | region | language" a line, as the API's list. */
    static com.fasterxml.jackson.databind.JsonNode resourcesJson(String text) {
        var list = JSON.createArrayNode();
        if (text == null) return list;
        var keys = List.of("name", "contact", "hours", "region", "language");
        for (var line : text.split("\\R")) {
            if (line.isBlank()) continue;
            var parts = line.split("\\|", -1);
            var resource = list.addObject();
            for (int i = 0; i < keys.size() && i < parts.length; i++) resource.put(keys.get(i), parts[i].strip());
        }
        return list;
    }

    private void held(Context ctx) {
        var community = moderated(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var card = card(community);
        var postMedia = new PostMedia(media);
        var cards = new ArrayList<PostCard>();
        for (var post : moderation.held(member, community.id(), 50, 0)) {
            discussions
                    .entry(post.id(), member.actor().id())
                    .ifPresent(e -> cards.add(Cards.post(e, member.actor().id(), null, postMedia)));
        }
        site.send(
                ctx,
                "held.jte",
                site.chrome(
                        ctx,
                        m.t("care.held"),
                        community.sensitive(),
                        new Crumb(community.title(), card.href()),
                        new Crumb(m.t("care.held"), card.href() + "/held")),
                new HeldPage(card, List.copyOf(cards)));
    }

    private void decide(Context ctx, boolean approve) {
        var community = moderated(ctx);
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is no post " + ctx.pathParam("id"));
        }
        if (approve) moderation.approve(member, id, ctx.formParam("content_warning"));
        else moderation.remove(member, id, ctx.formParam("reason"));
        Site.seeOther(ctx, "/c/" + community.name() + "/held");
    }

    private CommunityCard card(Community community) {
        return Cards.community(communities.listing(community.id()).orElseThrow(), null);
    }
}
