package app.kindred.web.pages;

import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.outreach.Message;
import app.kindred.outreach.Outreach;
import app.kindred.outreach.OutreachStore;
import app.kindred.refusal.Refusal;
import app.kindred.report.ReportService;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Wellbeing outreach on the web (issue 16): a moderator's duty page, the check-in form on a wellbeing
 * concern (a template is only a starting point, edited before sending), and the check-in
 * conversations both sides read and answer. Nothing is ever sent without someone pressing Send.
 */
public final class OutreachPages {
    private static final Map<String, String> FIELDS = Map.of("text", "text", "title", "title", "body", "body");

    private final Site site;
    private final Outreach outreach;
    private final ReportService reports;
    private final CommunityService communities;

    public OutreachPages(Site site, Outreach outreach, ReportService reports, CommunityService communities) {
        this.site = site;
        this.outreach = outreach;
        this.reports = reports;
        this.communities = communities;
    }

    /** The communities a moderator looks after, with their duty in each. */
    public record DutyPage(List<Outreach.Duty> duties) {}

    /**
     * Writing a check-in about one concern.
     *
     * @param communityName the concern's community (for its templates page), or null
     */
    public record CheckInPage(
            long reportId, String person, String communityName, List<OutreachStore.Template> templates, Form form) {}

    /** A member's check-in conversations, by their newest message. */
    public record CheckInsPage(List<Message> latest) {}

    /** One conversation, and the answer form. */
    public record ConversationPage(long id, boolean asModerator, String other, List<Message> messages, Form form) {}

    /** A community's check-in templates, for its moderators. */
    public record TemplatesPage(
            long communityId,
            String communityName,
            String communityTitle,
            List<OutreachStore.Template> templates,
            Form form) {}

    public void register(RoutesConfig routes) {
        routes.get("/mod/duty", this::duty);
        routes.post("/mod/duty/{id}", this::setDuty);
        routes.get("/mod/reports/{id}/check-in", ctx -> compose(ctx, 200, null));
        routes.post("/mod/reports/{id}/check-in", this::send);
        routes.get("/check-ins", this::list);
        routes.get("/check-ins/{id}", ctx -> conversation(ctx, 200, Form.empty()));
        routes.post("/check-ins/{id}/reply", this::reply);
        routes.get("/c/{name}/check-in-templates", ctx -> templates(ctx, 200, Form.empty()));
        routes.post("/c/{name}/check-in-templates", this::addTemplate);
        routes.post("/c/{name}/check-in-templates/{id}/delete", this::removeTemplate);
    }

    private void duty(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        site.send(
                ctx,
                "duty.jte",
                site.chrome(ctx, m.t("duty.title"), new Crumb(m.t("duty.title"), "/mod/duty")),
                new DutyPage(outreach.duties(member)));
    }

    private void setDuty(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        outreach.setOnDuty(member, id(ctx), "on".equals(ctx.formParam("duty")));
        Site.seeOther(ctx, "/mod/duty");
    }

    private void compose(Context ctx, int status, Form form) {
        var member = site.member(ctx);
        long reportId = id(ctx);
        var detail = reports.find(member, reportId);
        var community = detail.report().communityId() == null
                ? null
                : communities.find((long) detail.report().communityId()).orElse(null);
        var templates = community == null || !community.actor().local()
                ? List.<OutreachStore.Template>of()
                : outreach.templates(member, community.id());
        if (form == null) {
            var chosen = ctx.queryParam("template");
            var text = templates.stream()
                    .filter(t -> String.valueOf(t.id()).equals(chosen))
                    .map(OutreachStore.Template::body)
                    .findFirst()
                    .orElse("");
            form = Form.of(Map.of("text", text));
        }
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "checkin-send.jte",
                site.chrome(
                        ctx,
                        m.t("checkin.send.title"),
                        new Crumb(m.t("mod.title"), "/mod"),
                        new Crumb(m.t("checkin.send.title"), "/mod/reports/" + reportId + "/check-in")),
                new CheckInPage(
                        reportId,
                        detail.subject() == null ? null : detail.subject().toString(),
                        community == null || !community.actor().local() ? null : community.name(),
                        templates,
                        form));
    }

    private void send(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var values = Site.fields(ctx, "text");
        try {
            var sent = outreach.checkIn(member, id(ctx), values.get("text"));
            Site.seeOther(ctx, "/check-ins/" + sent.id() + "?sent=1");
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND || r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            compose(ctx, CommunityPages.status(r), Site.refused(values, r, FIELDS));
        }
    }

    private void list(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        site.send(
                ctx,
                "checkins.jte",
                site.chrome(ctx, m.t("checkin.list.title"), new Crumb(m.t("checkin.list.title"), "/check-ins")),
                new CheckInsPage(outreach.conversations(member)));
    }

    private void conversation(Context ctx, int status, Form form) {
        var member = site.member(ctx);
        long id = id(ctx);
        var conversation = outreach.conversation(member, id);
        var first = conversation.messages().getFirst();
        var other = conversation.asModerator() ? first.personName() : first.moderatorName();
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "checkin.jte",
                site.chrome(
                        ctx,
                        m.t("checkin.title", other),
                        new Crumb(m.t("checkin.list.title"), "/check-ins"),
                        new Crumb(m.t("checkin.title", other), "/check-ins/" + id)),
                new ConversationPage(id, conversation.asModerator(), other, conversation.messages(), form));
    }

    private void reply(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var values = Site.fields(ctx, "text");
        try {
            var sent = outreach.reply(member, id(ctx), values.get("text"));
            Site.seeOther(ctx, "/check-ins/" + sent.id() + "#m" + sent.id());
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND || r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            conversation(ctx, CommunityPages.status(r), Site.refused(values, r, FIELDS));
        }
    }

    private void templates(Context ctx, int status, Form form) {
        var member = site.member(ctx);
        var community = local(ctx);
        var list = outreach.templates(member, community.id());
        var m = site.messages(ctx);
        var href = "/c/" + community.name() + "/check-in-templates";
        site.send(
                ctx,
                status,
                "checkin-templates.jte",
                site.chrome(
                        ctx,
                        m.t("checkin.templates.title", community.title()),
                        new Crumb(community.title(), "/c/" + community.name()),
                        new Crumb(m.t("checkin.templates.title", community.title()), href)),
                new TemplatesPage(community.id(), community.name(), community.title(), list, form));
    }

    private void addTemplate(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var community = local(ctx);
        var values = Site.fields(ctx, "title", "body");
        try {
            outreach.addTemplate(member, community.id(), values.get("title"), values.get("body"));
            Site.seeOther(ctx, "/c/" + community.name() + "/check-in-templates");
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.NOT_FOUND || r.kind() == Refusal.Kind.FORBIDDEN) throw r;
            templates(ctx, CommunityPages.status(r), Site.refused(values, r, FIELDS));
        }
    }

    private void removeTemplate(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var community = local(ctx);
        outreach.removeTemplate(member, community.id(), id(ctx));
        Site.seeOther(ctx, "/c/" + community.name() + "/check-in-templates");
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is nothing at " + ctx.path());
        }
    }

    /** A community of this instance: its check-in messages are kept here, read and changed alike. */
    private Community local(Context ctx) {
        return communities
                .find(ctx.pathParam("name"))
                .filter(k -> k.actor().local())
                .orElseThrow(() -> Refusal.notFound("there is no community " + ctx.pathParam("name") + " here"));
    }
}
