package app.kindred.web.pages;

import app.kindred.care.Filters;
import app.kindred.care.MemberFilter;
import app.kindred.refusal.Refusal;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A member's own filters on the web (issue 16), at {@code /settings/filters}: words or phrases whose
 * posts they would rather not see, hidden from their listings or collapsed behind a warning. The
 * same filters the API keeps; private to the member.
 */
public final class FilterPages {
    static final String PATH = "/settings/filters";
    private static final Map<String, String> FIELDS =
            Map.of("title", "title", "keywords", "keywords", "action", "action");

    private final Site site;
    private final Filters filters;

    public FilterPages(Site site, Filters filters) {
        this.site = site;
        this.filters = filters;
    }

    /** The member's filters and the form to add one. */
    public record FiltersPage(List<MemberFilter> filters, Form form, boolean saved) {}

    public void register(RoutesConfig routes) {
        routes.get(
                PATH,
                ctx -> show(
                        ctx,
                        200,
                        Form.of(Map.of("action", "hide", "whole_word", "on")),
                        ctx.queryParam("saved") != null));
        routes.post(PATH, this::add);
        routes.post(PATH + "/{id}/delete", this::remove);
    }

    private void show(Context ctx, int status, Form form, boolean saved) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        site.send(
                ctx,
                status,
                "settings-filters.jte",
                site.chrome(
                        ctx,
                        m.t("filters.title"),
                        new Crumb(m.t("layout.settings"), "/settings"),
                        new Crumb(m.t("filters.title"), PATH)),
                new FiltersPage(filters.list(member), form, saved));
    }

    private void add(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        var values = Site.fields(ctx, "title", "keywords", "action", "whole_word");
        try {
            var action = switch (values.get("action")) {
                case "hide" -> MemberFilter.Action.HIDE;
                case "collapse" -> MemberFilter.Action.COLLAPSE;
                default ->
                    throw Refusal.invalid("action", "choose whether to hide the posts or put them behind a warning");
            };
            boolean whole = "on".equals(values.get("whole_word"));
            var keywords = new ArrayList<MemberFilter.Keyword>();
            for (var line : values.get("keywords").split("[,\\n]")) {
                if (!line.isBlank()) keywords.add(new MemberFilter.Keyword(line.strip(), whole));
            }
            filters.add(member, new Filters.Draft(values.get("title"), action, keywords, null));
            Site.seeOther(ctx, PATH + "?saved=1");
        } catch (Refusal r) {
            show(ctx, CommunityPages.status(r), Site.refused(values, r, FIELDS), false);
        }
    }

    private void remove(Context ctx) {
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("there is no filter " + ctx.pathParam("id"));
        }
        filters.remove(member, id);
        Site.seeOther(ctx, PATH + "?saved=1");
    }
}
