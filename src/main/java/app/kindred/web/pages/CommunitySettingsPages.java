package app.kindred.web.pages;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.follow.FollowService;
import app.kindred.member.Member;
import app.kindred.moderation.ModerationLog;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A community's settings for its moderators (issue 15), one page with a section per concern (about,
 * guidelines, moderators, bans, follow requests, blocks), each section its own form posting to its
 * own address, so a new concern is a new section and a new route; the ban confirmation page; and
 * the community's moderation log, public with moderators named only where the community chose so.
 * Every act goes through {@link ModerationService} or {@link FollowService}, whose rules are the API's.
 */
public final class CommunitySettingsPages {
    /** The guideline rows a form offers past the existing ones, for adding. */
    static final int NEW_RULES = 1;

    /** How many log entries one page shows; older ones follow with ?before=. */
    static final int LOG_PAGE = 50;

    private static final Set<String> NOTICES = Set.of(
            "about",
            "guidelines",
            "moderatorAdded",
            "moderatorRemoved",
            "banned",
            "banLifted",
            "requestApproved",
            "requestRefused",
            "blocked",
            "unblocked");

    private final Site site;
    private final CommunityService communities;
    private final ModerationService moderation;
    private final FollowService follows;

    public CommunitySettingsPages(
            Site site, CommunityService communities, ModerationService moderation, FollowService follows) {
        this.site = site;
        this.communities = communities;
        this.moderation = moderation;
        this.follows = follows;
    }

    // What the templates take.

    public record RuleRow(int index, String titleField, String descriptionField, String positionField) {}

    public record ModeratorRow(String handle, String uri, boolean local) {}

    public record BanRow(String handle, String uri, String reason, Instant expires, Instant since) {}

    public record RequestRow(long actorId, String name, String handle, Instant since) {}

    public record BlockRow(String target, String kind, String reason) {}

    /** The settings page: the form's values hold every section's fields, so an error lands by its own field. */
    public record SettingsPage(
            CommunityCard community,
            List<RuleRow> rules,
            List<ModeratorRow> moderators,
            List<BanRow> bans,
            List<RequestRow> requests,
            List<BlockRow> blocks,
            Form form,
            String notice) {
        public String base() {
            return community.href() + "/settings";
        }
    }

    /** The ban confirmation: who, for how long, why, and whether their posts here go too. */
    public record BanPage(CommunityCard community, String actor, List<Integer> days, Form form) {}

    public record LogRow(String action, String target, String reason, Instant expires, Instant at, String moderator) {}

    public record LogPage(
            CommunityCard community, List<LogRow> entries, boolean named, Long older, boolean moderator) {}

    public void register(RoutesConfig routes) {
        routes.get("/c/{name}/settings", ctx -> {
            var community = moderated(ctx);
            settings(ctx, 200, community, values(community), List.of());
        });
        routes.post("/c/{name}/settings/about", this::about);
        routes.post("/c/{name}/settings/guidelines", this::guidelines);
        routes.post("/c/{name}/settings/moderators", this::addModerator);
        routes.post("/c/{name}/settings/moderators/remove", this::removeModerator);
        routes.post("/c/{name}/settings/bans/lift", this::liftBan);
        routes.post("/c/{name}/settings/blocks", this::block);
        routes.post("/c/{name}/settings/blocks/lift", this::unblock);
        routes.get("/c/{name}/ban", ctx -> {
            var community = moderated(ctx);
            var values = new LinkedHashMap<String, String>();
            values.put("actor", ctx.queryParam("actor") == null ? "" : ctx.queryParam("actor"));
            banPage(ctx, 200, community, new Form(values, List.of()));
        });
        routes.post("/c/{name}/ban", this::ban);
        routes.get("/c/{name}/log", this::log);
    }

    // The settings page

    /** A local community the signed-in member moderates (or an admin here); anyone else is refused. */
    private Community moderated(Context ctx) {
        return moderated(ctx, site, communities, moderation);
    }

    /** The same check for every moderators' page of a community here (its settings, its care page). */
    static Community moderated(Context ctx, Site site, CommunityService communities, ModerationService moderation) {
        var member = site.member(ctx);
        var community = communities
                .find(ctx.pathParam("name"))
                .filter(c -> c.actor().local())
                .orElseThrow(() -> Refusal.notFound("there is no community " + ctx.pathParam("name") + " here"));
        if (!moderation.mayModerate(member, community.id()))
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only the moderators of " + community.title() + " can");
        return community;
    }

    /** The stored settings as the forms show them. */
    private Map<String, String> values(Community community) {
        var values = new LinkedHashMap<String, String>();
        values.put("title", community.title());
        values.put("description", community.description());
        values.put("sensitive", community.sensitive() ? "yes" : "");
        values.put("restricted", community.postingRestrictedToMods() ? "yes" : "");
        values.put("names", community.showModeratorNames() ? "yes" : "");
        var rules = moderation.rules(community.id());
        for (var rule : rules) {
            values.put("rule_title_" + rule.number(), rule.title());
            values.put("rule_description_" + rule.number(), rule.description());
            values.put("rule_position_" + rule.number(), String.valueOf(rule.number()));
        }
        values.put("rule_count", String.valueOf(rules.size() + NEW_RULES));
        return values;
    }

    private void settings(
            Context ctx, int status, Community community, Map<String, String> values, List<FieldError> errors) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var card = card(community);
        int count = ruleCount(values);
        var rules = new ArrayList<RuleRow>();
        for (int i = 1; i <= count; i++)
            rules.add(new RuleRow(i, "rule_title_" + i, "rule_description_" + i, "rule_position_" + i));
        var moderators = communities.moderators(community.id()).stream()
                .map(a -> new ModeratorRow(handle(a), a.uri().toString(), a.local()))
                .toList();
        var bans = moderation.bans(member, community.id()).stream()
                .map(b -> new BanRow(
                        ModeratorPages.handle(URI.create(b.actor())), b.actor(), b.reason(), b.expires(), b.since()))
                .toList();
        var requests = follows.followRequests(community.id()).stream()
                .map(r ->
                        new RequestRow(r.actorId(), r.name(), ModeratorPages.handle(URI.create(r.actor())), r.since()))
                .toList();
        var blocks = moderation.blocks(member, community.id()).stream()
                .map(b -> new BlockRow(b.target(), b.kind().name().toLowerCase(Locale.ROOT), b.reason()))
                .toList();
        String notice = null;
        var done = ctx.queryParam("done");
        if (done != null && NOTICES.contains(done)) notice = m.t("modset.notice." + done);
        var title = m.t("modset.title", community.title());
        site.send(
                ctx,
                status,
                "mod/settings.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), card.href()),
                        new Crumb(m.t("modset.crumb"), card.href() + "/settings")),
                new SettingsPage(card, rules, moderators, bans, requests, blocks, new Form(values, errors), notice));
    }

    private static int ruleCount(Map<String, String> values) {
        try {
            return Math.max(1, Math.min(Integer.parseInt(values.getOrDefault("rule_count", "1")), 60));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * Runs one section's act: a stale token or a refusal shows the page again with the member's text
     * and the problem by its field ({@code fields} renames the service's field to the form's); else
     * back to the page, at the section, with a calm notice.
     */
    private void act(Context ctx, String[] names, Map<String, String> fields, String section, Act act) {
        var community = moderated(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = values(community);
        values.putAll(Site.fields(ctx, names));
        if (!site.sessions().csrfValid(ctx)) {
            settings(ctx, 403, community, values, List.of(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        String notice;
        try {
            notice = act.run(member, community, values);
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN || r.kind() == Refusal.Kind.NOT_FOUND && r.field() == null) throw r;
            var form = Site.refused(values, r, fields);
            settings(ctx, CommunityPages.status(r), community, values, form.errors());
            return;
        }
        Site.seeOther(ctx, "/c/" + community.name() + "/settings?done=" + notice + "#" + section);
    }

    @FunctionalInterface
    private interface Act {
        String run(Member member, Community community, Map<String, String> values);
    }

    private void about(Context ctx) {
        act(
                ctx,
                new String[] {"title", "description", "sensitive", "restricted", "names"},
                Map.of(),
                "about",
                (member, community, v) -> {
                    var title = v.get("title").strip();
                    if (title.isEmpty())
                        throw Refusal.invalid("title", site.messages(ctx).t("modset.about.titleNeeded"));
                    moderation.edit(
                            member,
                            community.id(),
                            new ModerationService.Settings(
                                    title,
                                    v.get("description"),
                                    "yes".equals(v.get("restricted")),
                                    "yes".equals(v.get("names"))));
                    moderation.markSensitive(member, community.id(), "yes".equals(v.get("sensitive")));
                    return "about";
                });
    }

    private void guidelines(Context ctx) {
        int count = ruleCount(
                Map.of("rule_count", ctx.formParam("rule_count") == null ? "1" : ctx.formParam("rule_count")));
        var names = new ArrayList<String>();
        names.add("rule_count");
        for (int i = 1; i <= count; i++) {
            names.add("rule_title_" + i);
            names.add("rule_description_" + i);
            names.add("rule_position_" + i);
        }
        var m = site.messages(ctx);
        act(
                ctx,
                names.toArray(String[]::new),
                Map.of("rules", "rule_title_1"),
                "guidelines",
                (member, community, v) -> {
                    // Rows whose title and description are both empty are taken away; the rest go in the order of their
                    // positions.
                    record Row(int index, double position, String title, String description) {}
                    var rows = new ArrayList<Row>();
                    for (int i = 1; i <= count; i++) {
                        var title = v.getOrDefault("rule_title_" + i, "").strip();
                        var description =
                                v.getOrDefault("rule_description_" + i, "").strip();
                        if (title.isEmpty() && description.isEmpty()) continue;
                        if (title.isEmpty()) throw Refusal.invalid("rule_title_" + i, m.t("modset.rules.titleNeeded"));
                        if (title.length() > 200)
                            throw Refusal.invalid("rule_title_" + i, m.t("modset.rules.titleLong"));
                        if (description.length() > 2_000)
                            throw Refusal.invalid("rule_description_" + i, m.t("modset.rules.descriptionLong"));
                        double position;
                        try {
                            position = Double.parseDouble(
                                    v.getOrDefault("rule_position_" + i, "").strip());
                        } catch (NumberFormatException e) {
                            position = i;
                        }
                        rows.add(new Row(i, position, title, description));
                    }
                    rows.sort(Comparator.comparingDouble(Row::position).thenComparingInt(Row::index));
                    moderation.setRules(
                            member,
                            community.id(),
                            rows.stream()
                                    .map(r -> new ModerationService.RuleDraft(r.title(), r.description()))
                                    .toList());
                    return "guidelines";
                });
    }

    private void addModerator(Context ctx) {
        act(ctx, new String[] {"moderator"}, Map.of("actor", "moderator"), "moderators", (member, community, v) -> {
            onField("moderator", () -> moderation.addModerator(member, community.id(), v.get("moderator")));
            return "moderatorAdded";
        });
    }

    private void removeModerator(Context ctx) {
        act(ctx, new String[] {"actor"}, Map.of(), "moderators", (member, community, v) -> {
            moderation.removeModerator(member, community.id(), v.get("actor"));
            return "moderatorRemoved";
        });
    }

    private void liftBan(Context ctx) {
        act(ctx, new String[] {"actor"}, Map.of(), "bans", (member, community, v) -> {
            moderation.unban(member, community.id(), v.get("actor"), "");
            return "banLifted";
        });
    }

    private void block(Context ctx) {
        act(
                ctx,
                new String[] {"block_target", "block_reason"},
                Map.of("target", "block_target", "reason", "block_reason"),
                "blocks",
                (member, community, v) -> {
                    if (v.get("block_reason").length() > 1_000)
                        throw Refusal.invalid("block_reason", "a reason is at most 1,000 characters");
                    onField(
                            "block_target",
                            () -> moderation.block(
                                    member, community.id(), v.get("block_target"), v.get("block_reason")));
                    return "blocked";
                });
    }

    private void unblock(Context ctx) {
        act(ctx, new String[] {"target"}, Map.of(), "blocks", (member, community, v) -> {
            moderation.unblock(member, community.id(), v.get("target"));
            return "unblocked";
        });
    }

    /**
     * Runs an act whose only input that can be wrong is one named member or target: a refusal about
     * who (someone unknown, a bad domain) is put by that field rather than shown as a page of its own.
     */
    private static void onField(String field, Runnable act) {
        try {
            act.run();
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN || r.raced()) throw r;
            if (r.field() == null && r.kind() != Refusal.Kind.NOT_FOUND) throw r;
            throw new Refusal(r.kind(), field, r.getMessage());
        }
    }

    // The ban confirmation

    private void banPage(Context ctx, int status, Community community, Form form) {
        var m = site.messages(ctx);
        var card = card(community);
        var title = m.t("modset.ban.title", community.title());
        site.send(
                ctx,
                status,
                "mod/ban.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), card.href()),
                        new Crumb(m.t("modset.crumb"), card.href() + "/settings"),
                        new Crumb(m.t("modset.ban.crumb"), card.href() + "/ban")),
                new BanPage(card, form.value("actor"), ModeratorPages.BAN_DAYS, form));
    }

    private void ban(Context ctx) {
        var community = moderated(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var values = Site.fields(ctx, "actor", "days", "reason", "remove_content");
        if (!site.sessions().csrfValid(ctx)) {
            banPage(ctx, 403, community, new Form(values, List.of(new FieldError(null, m.t("error.csrf.form")))));
            return;
        }
        try {
            if (values.get("actor").isBlank()) throw Refusal.invalid("actor", m.t("modset.ban.actorNeeded"));
            var reason = values.get("reason").strip();
            if (reason.isEmpty()) throw Refusal.invalid("reason", m.t("mod.reasonNeeded"));
            int days;
            try {
                days = Integer.parseInt(values.get("days"));
            } catch (NumberFormatException e) {
                days = -1;
            }
            if (!ModeratorPages.BAN_DAYS.contains(days)) throw Refusal.invalid("days", m.t("mod.ban.daysNeeded"));
            Instant expires = days == 0 ? null : Instant.now().plus(Duration.ofDays(days));
            var request = new ModerationService.BanRequest(
                    values.get("actor"), reason, expires, "yes".equals(values.get("remove_content")));
            onField("actor", () -> moderation.ban(member, community.id(), request));
        } catch (Refusal r) {
            if (r.kind() == Refusal.Kind.FORBIDDEN || r.kind() == Refusal.Kind.NOT_FOUND && r.field() == null) throw r;
            var form = Site.refused(values, r, Map.of("expires", "days"));
            banPage(ctx, CommunityPages.status(r), community, form);
            return;
        }
        Site.seeOther(ctx, "/c/" + community.name() + "/settings?done=banned#bans");
    }

    // The moderation log

    private void log(Context ctx) {
        var community = communities
                .find(ctx.pathParam("name"))
                .filter(c -> c.actor().local())
                .orElseThrow(() -> Refusal.notFound("there is no community " + ctx.pathParam("name") + " here"));
        var m = site.messages(ctx);
        var viewer = site.sessions().member(ctx).orElse(null);
        Long before = null;
        try {
            if (ctx.queryParam("before") != null) before = Long.parseLong(ctx.queryParam("before"));
        } catch (NumberFormatException e) {
            // An unreadable address shows the newest page: a list is never worth an error.
        }
        var entries = moderation.log(viewer, community.id(), before, LOG_PAGE + 1);
        boolean moderator = viewer != null && moderation.mayModerate(viewer, community.id());
        var rows = entries.stream()
                .limit(LOG_PAGE)
                .map(e -> new LogRow(e.action().wireName(), target(e), e.reason(), e.expires(), e.at(), e.moderator()))
                .toList();
        Long older = entries.size() > LOG_PAGE ? entries.get(LOG_PAGE - 1).id() : null;
        var card = card(community);
        var title = m.t("modset.log.title", community.title());
        site.send(
                ctx,
                "mod/log.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), card.href()),
                        new Crumb(m.t("modset.log.crumb"), card.href() + "/log")),
                new LogPage(card, rows, moderator || community.showModeratorNames(), older, moderator));
    }

    /** What an entry acted on, as a reader knows it: a member's or post's address, never an internal id. */
    private static String target(ModerationLog.Entry e) {
        return e.target() == null ? "" : e.target();
    }

    private static String handle(Actor a) {
        return a.local() ? a.preferredUsername() : a.preferredUsername() + "@" + a.domain();
    }

    private CommunityCard card(Community community) {
        return Cards.communityName(community);
    }
}
