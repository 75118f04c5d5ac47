package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.thread.ThreadService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A community's settings for its moderators over HTTP (issue 15): each section's form, the ban
 * confirmation, the moderation log's two views, the notes, forwarding and escalation from a
 * report, each against who may and may not see or do them.
 */
class CommunitySettingsPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        for (var name : List.of("mona", "otto", "bob", "carol", "dana"))
            app.members().create(name, PASSWORD, Role.MEMBER);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place", "mona")
                .id();
        app.communities().create("other", "Another place", "", "otto");
        app.moderation()
                .setRules(
                        member("mona"),
                        peers,
                        List.of(
                                new ModerationService.RuleDraft("Be kind", "Always"),
                                new ModerationService.RuleDraft("No selling", "")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Member member(String name) {
        return server.app().members().find(name).orElseThrow();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static long thread(String author, String title) {
        return server.app()
                .threads()
                .startThread(
                        member(author), peers, new ThreadService.Draft(title, "words about " + title, null, null, null))
                .id();
    }

    private static long report(long post) {
        return server.app()
                .reports()
                .file(member("carol"), new ReportService.Draft(post, null, Category.SPAM, null, "an advert", false))
                .report()
                .id();
    }

    private static long count(String sql, Object... params) {
        return server.app().database().read(c -> app.kindred.storage.Sql.count(c, sql, params));
    }

    /**
     * Who may read the settings and ban pages and take each act on them: the table of issue 15. Each
     * refused act is tried with a valid token of the member's own, so only who they are decides, and
     * nothing changes.
     */
    @Test
    void onlyTheCommunitysModeratorsAndAdminsReachItsSettings() {
        record Act(String path, Map<String, String> form, Supplier<Long> state) {}
        var acts = List.of(
                new Act(
                        "/c/peers/settings/about",
                        Map.of("title", "Taken over"),
                        () -> count("select count(*) from community where title = 'Taken over'")),
                new Act(
                        "/c/peers/settings/guidelines",
                        Map.of("rule_count", "1", "rule_title_1", "Only one"),
                        () -> count("select count(*) from community_rule where title = 'Only one'")),
                new Act(
                        "/c/peers/settings/moderators",
                        Map.of("moderator", "dana"),
                        () -> count("select count(*) from community_moderator where community_id = ?", peers)),
                new Act(
                        "/c/peers/settings/blocks",
                        Map.of("block_target", "bad.example"),
                        () -> count("select count(*) from community_block")),
                new Act(
                        "/c/peers/ban",
                        Map.of("actor", "dana", "days", "7", "reason", "no"),
                        () -> count("select count(*) from community_ban")),
                // Stopping a member filing wellbeing concerns (issue 16).
                new Act(
                        "/c/peers/concern-stops",
                        Map.of("member", "dana"),
                        () -> count("select count(*) from concern_stop")));
        record Row(String who, int pages, int act) {}
        var table = List.of(
                new Row(null, 303, 303), // signed out: sent to sign in
                new Row("bob", 403, 403), // a member
                new Row("otto", 403, 403) // moderator of another community
                );
        for (var row : table) {
            var web = row.who() == null ? new WebClient(server) : signedIn(row.who());
            for (var page : List.of("/c/peers/settings", "/c/peers/ban?actor=bob", "/c/peers/concern-stops")) {
                assertEquals(row.pages(), web.get(page).statusCode(), row.who() + " " + page);
            }
            for (var act : acts) {
                long before = act.state().get();
                var form = new LinkedHashMap<>(act.form());
                form.put("csrf", row.who() == null ? "" : web.token("/settings"));
                assertEquals(row.act(), web.post(act.path(), form).statusCode(), row.who() + " " + act.path());
                assertEquals(before, act.state().get(), row.who() + " changed nothing by " + act.path());
            }
            // The log is public.
            assertEquals(200, web.get("/c/peers/log").statusCode(), row.who() + " log");
        }
        for (var who : List.of("mona", "alice")) {
            var web = signedIn(who);
            assertEquals(200, web.get("/c/peers/settings").statusCode(), who);
            assertEquals(200, web.get("/c/peers/ban?actor=bob").statusCode(), who);
            assertEquals(200, web.get("/c/peers/concern-stops").statusCode(), who);
            assertEquals(200, web.get("/c/peers/log").statusCode(), who);
        }
        // A remote community's settings are kept at its home: there is no page for it here.
        assertEquals(404, signedIn("alice").get("/c/nowhere/settings").statusCode());
    }

    @Test
    void aboutSavesTheDetailsAndAnEmptyTitleComesBackByItsFieldWithTheTextKept() {
        var web = signedIn("mona");
        var empty = web.submit(
                "/c/peers/settings",
                "/c/peers/settings/about",
                Map.of("title", "  ", "description", "Kept words", "sensitive", "yes"));
        assertEquals(422, empty.statusCode());
        var page = Jsoup.parse(empty.body());
        assertNotNull(page.selectFirst(".error-summary a[href=#title]"));
        assertEquals("title-hint title-error", page.selectFirst("#title").attr("aria-describedby"));
        assertEquals("Kept words", page.selectFirst("#description").text());
        assertTrue(page.selectFirst("#sensitive").hasAttr("checked"));
        assertFalse(server.app().communities().find(peers).orElseThrow().sensitive());

        var saved = web.submit(
                "/c/peers/settings",
                "/c/peers/settings/about",
                Map.of("title", "Peer support", "description", "A calm place", "sensitive", "yes", "names", "yes"));
        assertEquals(303, saved.statusCode(), saved.body());
        assertEquals(
                "/c/peers/settings?done=about#about",
                saved.headers().firstValue("Location").orElseThrow());
        var community = server.app().communities().find(peers).orElseThrow();
        assertTrue(community.sensitive());
        assertTrue(community.showModeratorNames());
        assertFalse(community.postingRestrictedToMods());
        assertEquals(
                "The community's details are saved.",
                Jsoup.parse(web.get("/c/peers/settings?done=about").body())
                        .selectFirst("main [role=status]")
                        .text());
        // Back as it was, for the other tests.
        web.submit(
                "/c/peers/settings",
                "/c/peers/settings/about",
                Map.of("title", "Peer support", "description", "A calm place"));
        assertFalse(server.app().communities().find(peers).orElseThrow().sensitive());
    }

    @Test
    void guidelinesAreAddedEditedReorderedAndTakenAway() {
        var web = signedIn("mona");
        var page = Jsoup.parse(web.get("/c/peers/settings").body());
        assertEquals("Be kind", page.selectFirst("#rule_title_1").val());
        assertNotNull(page.selectFirst("#rule_title_3"), "an empty row to add one");
        // A description with no title comes back by its field, all text kept.
        var missing = web.submit(
                "/c/peers/settings",
                "/c/peers/settings/guidelines",
                Map.of(
                        "rule_count",
                        "3",
                        "rule_title_1",
                        "Be kind",
                        "rule_title_2",
                        "No selling",
                        "rule_description_3",
                        "Words without a title"));
        assertEquals(422, missing.statusCode());
        var back = Jsoup.parse(missing.body());
        assertNotNull(
                back.selectFirst("#rule_title_3-error"),
                back.select(".error-summary").html());
        assertEquals(
                "Words without a title", back.selectFirst("#rule_description_3").text());
        assertEquals(2, server.app().moderation().rules(peers).size());

        var form = new LinkedHashMap<String, String>();
        form.put("rule_count", "3");
        form.put("rule_title_1", "Be kind to each other");
        form.put("rule_description_1", "Always");
        form.put("rule_position_1", "2");
        form.put("rule_title_2", "No selling");
        form.put("rule_position_2", "3");
        form.put("rule_title_3", "Use content warnings");
        form.put("rule_position_3", "1");
        assertEquals(
                303,
                web.submit("/c/peers/settings", "/c/peers/settings/guidelines", form)
                        .statusCode());
        var rules = server.app().moderation().rules(peers);
        assertEquals(
                List.of("Use content warnings", "Be kind to each other", "No selling"),
                rules.stream().map(r -> r.title()).toList());
        // Emptying a row takes it away.
        form.put("rule_title_3", "");
        var taken = web.submit("/c/peers/settings", "/c/peers/settings/guidelines", form);
        assertEquals(303, taken.statusCode());
        server.app()
                .moderation()
                .setRules(
                        member("mona"),
                        peers,
                        List.of(
                                new ModerationService.RuleDraft("Be kind", "Always"),
                                new ModerationService.RuleDraft("No selling", "")));
    }

    @Test
    void moderatorsAreAddedAndRemovedAndSomeoneUnknownIsAnsweredByTheField() {
        var web = signedIn("mona");
        var unknown = web.submit("/c/peers/settings", "/c/peers/settings/moderators", Map.of("moderator", "nobody"));
        assertEquals(404, unknown.statusCode());
        var page = Jsoup.parse(unknown.body());
        assertNotNull(page.selectFirst("#moderator-error"), page.select("main").html());
        assertEquals("nobody", page.selectFirst("#moderator").val());

        assertEquals(
                303,
                web.submit("/c/peers/settings", "/c/peers/settings/moderators", Map.of("moderator", "dana"))
                        .statusCode());
        assertTrue(server.app().moderation().mayModerate(member("dana"), peers));
        var settings = Jsoup.parse(web.get("/c/peers/settings").body());
        var dana = member("dana").actor().uri().toString();
        assertNotNull(
                settings.selectFirst("form[action=/c/peers/settings/moderators/remove] input[value=" + dana + "]"));
        assertEquals(
                303,
                web.submit("/c/peers/settings", "/c/peers/settings/moderators/remove", Map.of("actor", dana))
                        .statusCode());
        assertFalse(server.app().moderation().mayModerate(member("dana"), peers));
    }

    @Test
    void aBanGoesThroughItsConfirmationPageAndIsLiftedFromTheList() {
        long post = thread("dana", "Dana's thread");
        var web = signedIn("mona");
        var confirm = Jsoup.parse(web.get("/c/peers/ban?actor=dana").body());
        assertEquals("dana", confirm.selectFirst("#actor").val());
        assertNotNull(confirm.selectFirst("select#days option[value=0]"));
        assertNotNull(confirm.selectFirst("input#remove_content[type=checkbox]"));
        // No reason: back by the field, choices kept.
        var noReason = web.submit(
                "/c/peers/ban?actor=dana",
                "/c/peers/ban",
                Map.of("actor", "dana", "days", "30", "remove_content", "yes"));
        assertEquals(422, noReason.statusCode());
        var back = Jsoup.parse(noReason.body());
        assertNotNull(back.selectFirst("#reason-error"));
        assertTrue(back.selectFirst("select#days option[value=30]").hasAttr("selected"));
        assertTrue(back.selectFirst("#remove_content").hasAttr("checked"));
        assertEquals(0, count("select count(*) from community_ban"));

        var banned = web.submit(
                "/c/peers/ban?actor=dana",
                "/c/peers/ban",
                Map.of("actor", "dana", "days", "30", "reason", "selling again", "remove_content", "yes"));
        assertEquals(303, banned.statusCode(), banned.body());
        var ban = server.app().moderation().bans(member("mona"), peers).getFirst();
        assertEquals("selling again", ban.reason());
        assertNotNull(ban.expires());
        assertTrue(server.app().threads().find(post).orElseThrow().removed(), "their content went too");
        var settings = Jsoup.parse(web.get("/c/peers/settings").body());
        assertTrue(settings.selectFirst("#bans").parent().text().contains("selling again"));
        assertEquals(
                303,
                web.submit("/c/peers/settings", "/c/peers/settings/bans/lift", Map.of("actor", ban.actor()))
                        .statusCode());
        assertTrue(server.app().moderation().bans(member("mona"), peers).isEmpty());
    }

    @Test
    void blocksAreAddedAndLiftedAndABadTargetIsAnsweredByItsField() {
        var web = signedIn("mona");
        var bad = web.submit(
                "/c/peers/settings",
                "/c/peers/settings/blocks",
                Map.of("block_target", "not a domain!", "block_reason", "why"));
        assertEquals(422, bad.statusCode());
        var page = Jsoup.parse(bad.body());
        assertNotNull(
                page.selectFirst("#block_target-error"), page.select("main").html());
        assertEquals("why", page.selectFirst("#block_reason").text());
        assertEquals(
                303,
                web.submit(
                                "/c/peers/settings",
                                "/c/peers/settings/blocks",
                                Map.of("block_target", "spam.example", "block_reason", "a spam wave"))
                        .statusCode());
        var listed = Jsoup.parse(web.get("/c/peers/settings").body());
        assertTrue(listed.selectFirst("#blocks").parent().text().contains("spam.example"));
        assertEquals(
                303,
                web.submit("/c/peers/settings", "/c/peers/settings/blocks/lift", Map.of("target", "spam.example"))
                        .statusCode());
        assertEquals(0, count("select count(*) from community_block"));
    }

    @Test
    void aWaitingFollowRequestIsApprovedOrRefused() {
        long group =
                server.app().communities().find(peers).orElseThrow().actor().id();
        long[] ids = new long[2];
        for (int i = 0; i < 2; i++) {
            var uri = "https://limited.example/u/r" + i;
            server.sql("""
                    insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                    values (?, 'Person', ?, 'limited.example', false, 'https://limited.example/inbox', now())""", uri, "r" + i);
            ids[i] = count("select id from actor where uri = ?", uri);
            server.sql("insert into follow (follower_id, followed_id, state) values (?, ?, 'pending')", ids[i], group);
        }
        var web = signedIn("mona");
        // The settings page lists who waits and leads to the one page where requests are answered.
        var page = Jsoup.parse(web.get("/c/peers/settings").body());
        assertTrue(
                page.select("#requests ~ ul li").text().contains("r0"),
                page.select("#requests ~ ul").outerHtml());
        assertNotNull(page.selectFirst("a[href=/c/peers/requests]"));
        var requests = Jsoup.parse(web.get("/c/peers/requests").body());
        assertNotNull(requests.selectFirst("form[action=/c/peers/requests/" + ids[0] + "/approve]"));
        assertEquals(
                303,
                web.submit("/c/peers/requests", "/c/peers/requests/" + ids[0] + "/approve", Map.of())
                        .statusCode());
        assertEquals(
                303,
                web.submit("/c/peers/requests", "/c/peers/requests/" + ids[1] + "/refuse", Map.of())
                        .statusCode());
        assertEquals(1, count("select count(*) from follow where follower_id = ? and state = 'accepted'", ids[0]));
        assertEquals(0, count("select count(*) from follow where follower_id = ?", ids[1]));
    }

    @Test
    void theLogNamesModeratorsOnlyToModeratorsUnlessTheCommunityChoosesSo() {
        long post = thread("bob", "To be locked");
        server.app().moderation().lock(member("mona"), post, "a pause", true);
        var everyone = Jsoup.parse(new WebClient(server).get("/c/peers/log").body());
        var entry = everyone.selectFirst("ol.modlog li");
        assertTrue(entry.text().contains("Locked a thread"), entry.text());
        assertTrue(entry.text().contains("a pause"));
        assertFalse(everyone.selectFirst("main").text().contains("mona"), "the public log names nobody");
        assertTrue(Jsoup.parse(signedIn("mona").get("/c/peers/log").body())
                .selectFirst("ol.modlog li")
                .text()
                .contains("by mona@"));
        server.app().moderation().edit(member("mona"), peers, new ModerationService.Settings(null, null, null, true));
        try {
            assertTrue(Jsoup.parse(new WebClient(server).get("/c/peers/log").body())
                    .selectFirst("ol.modlog li")
                    .text()
                    .contains("by mona@"));
        } finally {
            server.app()
                    .moderation()
                    .edit(member("mona"), peers, new ModerationService.Settings(null, null, null, false));
        }
    }

    @Test
    void notesAboutTheMemberSitBesideTheirReportsForTheCommunitysModeratorsOnly() {
        long first = report(thread("bob", "First advert"));
        var mona = signedIn("mona");
        var empty = mona.submit("/mod/reports/" + first, "/mod/reports/" + first + "/note", Map.of("note_text", " "));
        assertEquals(422, empty.statusCode());
        assertNotNull(Jsoup.parse(empty.body()).selectFirst("#note_text-error"));
        var noted = mona.submit(
                "/mod/reports/" + first,
                "/mod/reports/" + first + "/note",
                Map.of("note_text", "Talked with bob; they meant well"));
        assertEquals(303, noted.statusCode(), noted.body());
        // A later report about the same member shows the note.
        long second = report(thread("bob", "Second advert"));
        var page = Jsoup.parse(signedIn("alice").get("/mod/reports/" + second).body());
        var notes = page.selectFirst("section[aria-labelledby=notes]");
        assertTrue(notes.text().contains("Talked with bob; they meant well"), notes.text());
        assertTrue(notes.text().contains("mona@"));
        // The member never sees it, nor does a moderator of another community.
        for (var who : List.of("bob", "otto")) {
            var web = signedIn(who);
            assertEquals(404, web.get("/mod/reports/" + second).statusCode());
            var form = Map.of("csrf", web.token("/settings"), "note_text", "sneaky");
            assertEquals(404, web.post("/mod/reports/" + second + "/note", form).statusCode());
        }
        assertEquals(1, count("select count(*) from member_note"));
    }

    @Test
    void aReportIsEscalatedToTheAdminsWhoSeeItFirstAndAReportAboutOurOwnMemberHasNowhereToForward() {
        long id = report(thread("bob", "Escalate me"));
        var mona = signedIn("mona");
        var page = Jsoup.parse(mona.get("/mod/reports/" + id).body());
        assertNull(page.selectFirst("form[action=/mod/reports/" + id + "/forward]"), "bob is one of ours");
        var forward = mona.post("/mod/reports/" + id + "/forward", Map.of("csrf", mona.token("/settings")));
        assertEquals(422, forward.statusCode());
        assertTrue(
                Jsoup.parse(forward.body()).selectFirst(".error-summary").text().contains("nowhere to forward"));
        var escalated = mona.submit(
                "/mod/reports/" + id,
                "/mod/reports/" + id + "/escalate",
                Map.of("escalate_note", "threats, please look"));
        assertEquals(303, escalated.statusCode(), escalated.body());
        assertEquals(
                "/mod/reports/" + id + "?escalated=1",
                escalated.headers().firstValue("Location").orElseThrow());
        var after = Jsoup.parse(mona.get("/mod/reports/" + id).body());
        assertTrue(after.selectFirst("#escalation").text().startsWith("Passed to the admins by mona@"));
        assertNull(after.selectFirst("form[action=/mod/reports/" + id + "/escalate]"), "once is enough");
        // Admins see it first in their queue, under its own heading; a moderator's queue has no such heading.
        var queue = Jsoup.parse(signedIn("alice").get("/mod").body());
        var section = queue.selectFirst("section.escalated");
        assertNotNull(section.selectFirst("a[href=/mod/reports/" + id + "]"), queue.html());
        assertTrue(queue.html().indexOf("/mod/reports/" + id) < queue.html().indexOf("id=\"wellbeing\""));
        assertNull(Jsoup.parse(mona.get("/mod").body()).selectFirst("section.escalated"));
    }

    @Test
    void aModeratorReadsRemovedWordsInTheThreadMarkedRemovedWhereOthersSeeOnlyThatTheyWere() {
        long post = thread("bob", "Said too much");
        long comment = server.app()
                .threads()
                .comment(member("carol"), post, new ThreadService.Draft(null, "an unkind reply", null, null, null))
                .id();
        server.app().moderation().remove(member("mona"), comment, "Rule 1: be kind");
        var mod = Jsoup.parse(signedIn("mona").get("/p/" + post).body());
        var shown = mod.selectFirst("#c" + comment);
        assertTrue(shown.text().contains("an unkind reply"), shown.html());
        assertTrue(shown.selectFirst(".removed-mark").text().contains("Rule 1: be kind"));
        assertNull(shown.selectFirst("form[action=/p/" + comment + "/vote]"), "nothing to vote on");
        // An admin moderates our communities too; a member and a moderator elsewhere see only that it was removed.
        assertTrue(signedIn("alice").get("/p/" + post).body().contains("an unkind reply"));
        for (var who : List.of("bob", "otto")) {
            var page = Jsoup.parse(signedIn(who).get("/p/" + post).body());
            var li = page.selectFirst("#c" + comment);
            assertFalse(li.text().contains("an unkind reply"), who);
            assertNull(li.selectFirst(".removed-mark"), who);
            assertNotNull(li.selectFirst(".gone"), who);
        }
        assertFalse(new WebClient(server).get("/p/" + post).body().contains("an unkind reply"));
    }
}
