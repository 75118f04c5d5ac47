package app.kindred.web.pages;

import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.report.ConcernStops;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Stopping a member from filing wellbeing concerns in a community (issue 16), for when concerns are
 * used to harass someone: the community's moderators list, add and lift stops here, as the API's
 * {@code /api/v1/communities/{id}/concern_stops} does. Other reports from that member still go through.
 */
public final class ConcernStopPages {
    private static final Map<String, String> FIELDS = Map.of("member", "member", "reason", "reason");

    private final Site site;
    private final ConcernStops stops;
    private final CommunityService communities;
    private final ModerationService moderation;

    public record ConcernStopsPage(
            String communityName, String communityTitle, List<ConcernStops.Stop> stops, Form form) {}

    public ConcernStopPages(Site site, ConcernStops stops, CommunityService communities, ModerationService moderation) {
        this.site = site;
        this.stops = stops;
        this.communities = communities;
        this.moderation = moderation;
    }

    public void register(RoutesConfig routes) {
        routes.get("/c/{name}/concern-stops", ctx -> show(ctx, 200, Form.empty()));
        routes.post("/c/{name}/concern-stops", this::stop);
        routes.post("/c/{name}/concern-stops/lift", this::lift);
    }

    private void show(Context ctx, int status, Form form) {
        var community = CommunitySettingsPages.moderated(ctx, site, communities, moderation);
        var list = stops.list(site.member(ctx), community.id());
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "concern-stops.jte",
                site.chrome(
                        ctx,
                        m.t("concernStops.title", community.title()),
                        new Crumb(community.title(), "/c/" + community.name()),
                        new Crumb(m.t("concernStops.title", community.title()), path(community))),
                new ConcernStopsPage(community.name(), community.title(), list, form));
    }

    private void stop(Context ctx) {
        var community = CommunitySettingsPages.moderated(ctx, site, communities, moderation);
        if (site.refuseWithoutToken(ctx)) return;
        var values = Site.fields(ctx, "member", "reason");
        try {
            stops.stop(site.member(ctx), community.id(), values.get("member"), values.get("reason"));
            Site.seeOther(ctx, path(community));
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            show(ctx, CommunityPages.status(r), Site.refused(values, r, FIELDS));
        }
    }

    private void lift(Context ctx) {
        var community = CommunitySettingsPages.moderated(ctx, site, communities, moderation);
        if (site.refuseWithoutToken(ctx)) return;
        stops.lift(site.member(ctx), community.id(), ctx.formParam("member"));
        Site.seeOther(ctx, path(community));
    }

    private static String path(Community community) {
        return "/c/" + community.name() + "/concern-stops";
    }
}
