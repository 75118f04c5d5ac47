package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admins' workspace over HTTP (issue 15): who may open each page and take each act, and what
 * each act does through the same services as the API and the command line.
 */
class AdminPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        for (var name : List.of("mona", "bob", "sam", "rue", "tess", "ned"))
            app.members().create(name, PASSWORD, Role.MEMBER);
        app.communities().create("peers", "Peer support", "A calm place", "mona");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WebClient signedIn(String name) {
        return signedIn(name, PASSWORD);
    }

    private static WebClient signedIn(String name, String password) {
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", password, "next", "/"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static long count(String sql, Object... params) {
        return server.app().database().read(c -> Sql.count(c, sql, params));
    }

    /** A remote instance with one of its people following bob, and bob following them. */
    private static void remoteFriendsOf(String host, String local) {
        server.sql("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values (?, 'Person', 'pat', ?, false, ?, now())""", "https://" + host + "/u/pat", host, "https://" + host + "/u/pat/inbox");
        for (var sql : List.of(
                "insert into follow (follower_id, followed_id, state) select r.id, l.id, 'accepted'"
                        + " from actor r, actor l where r.domain = ? and l.local and l.preferred_username = ?",
                "insert into follow (follower_id, followed_id, state) select l.id, r.id, 'accepted'"
                        + " from actor r, actor l where r.domain = ? and l.local and l.preferred_username = ?")) {
            server.sql(sql, host, local);
        }
    }

    /** Every page and every act, against who may and may not: the table of issue 15. */
    @Test
    void onlyAdminsOpenTheAdminPagesOrActFromThem() {
        var pages = List.of(
                "/admin",
                "/admin/federation",
                "/admin/domains",
                "/admin/domains/import",
                "/admin/domains/export",
                "/admin/members",
                "/admin/members/ned",
                "/admin/members/ned/suspend",
                "/admin/instance",
                "/admin/resources",
                "/admin/audit");
        var acts = new LinkedHashMap<String, Map<String, String>>();
        acts.put("/admin/federation/retry", Map.of("host", "nowhere.example"));
        acts.put("/admin/domains/block", Map.of("domain", "table.example", "severity", "limit"));
        acts.put("/admin/domains/unblock", Map.of("domain", "table.example"));
        acts.put("/admin/domains/allow", Map.of("allow_domain", "table.example"));
        acts.put("/admin/domains/unallow", Map.of("domain", "table.example"));
        acts.put("/admin/domains/import", Map.of("blocklist", "table2.example"));
        acts.put("/admin/domains/import/apply", Map.of("blocklist", "table2.example"));
        acts.put("/admin/members/ned/role", Map.of("role", "admin"));
        acts.put("/admin/members/ned/suspend", Map.of("reason", "a test"));
        acts.put("/admin/members/ned/unsuspend", Map.of());
        acts.put("/admin/members/ned/reset", Map.of());
        acts.put("/admin/resources", Map.of("resources", "Table line | 000"));
        record Row(String who, int page, int act) {}
        var table = List.of(
                new Row(null, 303, 303), // signed out: sent to sign in (a POST lands on the front page after)
                new Row("bob", 403, 403), // a member
                new Row("mona", 403, 403)); // a community's moderator
        for (var row : table) {
            var web = row.who() == null ? new WebClient(server) : signedIn(row.who());
            for (var page : pages) {
                var response = web.get(page);
                assertEquals(row.page(), response.statusCode(), row.who() + " " + page);
                if (row.page() == 403) assertFalse(response.body().contains("name=\"domain\""), page);
            }
            var token = row.who() == null ? "" : web.token("/settings");
            for (var act : acts.entrySet()) {
                var form = new LinkedHashMap<>(act.getValue());
                form.put("csrf", token);
                assertEquals(row.act(), web.post(act.getKey(), form).statusCode(), row.who() + " " + act.getKey());
            }
        }
        // Nothing any of them sent took effect.
        assertEquals(0, count("select count(*) from domain_block where domain like 'table%'"));
        assertEquals(0, count("select count(*) from domain_allow where domain = 'table.example'"));
        assertEquals(
                List.of(),
                server.app()
                        .database()
                        .read(c -> Sql.list(
                                c,
                                "select actor || ' ' || action || ' ' || target from audit_log"
                                        + " where target in ('ned', 'nowhere.example')",
                                rs -> rs.getString(1))));
        assertEquals(
                0,
                count(
                        "select count(*) from password_reset r join account a on a.id = r.account_id where a.username = 'ned'"));
        assertEquals(
                Role.MEMBER, server.app().members().find("ned").orElseThrow().role());

        var alice = signedIn("alice");
        for (var page : pages) assertEquals(200, alice.get(page).statusCode(), page);
        var hub = Jsoup.parse(alice.get("/admin").body()).selectFirst("main").text();
        assertTrue(
                hub.contains(
                        server.app().database().read(c -> Sql.count(c, "select count(*) from account")) + " members."),
                hub);
        // Only an admin's header leads here.
        assertNotNull(Jsoup.parse(alice.get("/").body()).selectFirst("header a[href=/admin]"));
        assertNull(Jsoup.parse(signedIn("mona").get("/").body()).selectFirst("header a[href=/admin]"));
        // A page about a member who is not there is "not found", calmly.
        assertEquals(404, alice.get("/admin/members/nobody").statusCode());
    }

    @Test
    void anActWithoutTheFormsTokenIsRefusedAndKeepsWhatWasTyped() {
        var alice = signedIn("alice");
        var response = alice.post(
                "/admin/domains/block", Map.of("csrf", "stale", "domain", "csrf.example", "severity", "limit"));
        assertEquals(403, response.statusCode());
        var page = Jsoup.parse(response.body());
        assertEquals("csrf.example", page.selectFirst("#domain").val());
        assertNotNull(page.selectFirst(".error-summary"));
        assertEquals(0, count("select count(*) from domain_block where domain = 'csrf.example'"));
    }

    @Test
    void aSuspendShowsWhatItCutsAndChangesNothingUntilConfirmed() {
        remoteFriendsOf("cut.example", "bob");
        var alice = signedIn("alice");
        var form = Map.of("domain", "cut.example", "severity", "suspend", "reason", "harassment campaign");
        var preview = alice.submit("/admin/domains", "/admin/domains/block", form);
        assertEquals(200, preview.statusCode(), preview.body());
        var page = Jsoup.parse(preview.body());
        assertEquals("Suspend cut.example?", page.selectFirst("h1").text());
        var cuts = page.selectFirst("ul.preview").text();
        assertTrue(cuts.contains("1 follow from our members or communities of someone there"), cuts);
        assertTrue(cuts.contains("1 follow from there of our members or communities"), cuts);
        assertTrue(cuts.contains("1 member here is affected and will be told"), cuts);
        assertEquals(0, count("select count(*) from domain_block where domain = 'cut.example'"));
        assertEquals(
                2,
                count("select count(*) from follow f join actor a on a.id in (f.follower_id, f.followed_id)"
                        + " where a.domain = 'cut.example'"));

        // The confirmation sends the same form again, with its token and confirm=yes.
        var confirm = page.selectFirst("form[action=/admin/domains/block]");
        var fields = new LinkedHashMap<String, String>();
        for (var input : confirm.select("input[type=hidden]")) fields.put(input.attr("name"), input.val());
        assertEquals("yes", fields.get("confirm"));
        assertEquals("harassment campaign", fields.get("reason"));
        var done = alice.post("/admin/domains/block", fields);
        assertEquals(303, done.statusCode());
        assertEquals(
                "/admin/domains?done=blocked",
                done.headers().firstValue("Location").orElseThrow());
        assertEquals(
                1, count("select count(*) from domain_block where domain = 'cut.example' and severity = 'suspend'"));
        assertEquals(
                0,
                count("select count(*) from follow f join actor a on a.id in (f.follower_id, f.followed_id)"
                        + " where a.domain = 'cut.example'"));
        assertEquals(
                1,
                count("select count(*) from audit_log where action = 'domain.suspend' and actor = 'alice'"
                        + " and target = 'cut.example' and reason = 'harassment campaign'"));
        var list = Jsoup.parse(alice.get("/admin/domains?done=blocked").body());
        assertEquals("The block is in place.", list.selectFirst("[role=status]").text());
        assertNotNull(list.selectFirst("form[action=/admin/domains/unblock] input[value=cut.example]"));

        // Lifting it: the block goes, the follows stay cut.
        assertEquals(
                303,
                alice.submit("/admin/domains", "/admin/domains/unblock", Map.of("domain", "cut.example"))
                        .statusCode());
        assertEquals(0, count("select count(*) from domain_block where domain = 'cut.example'"));
        assertEquals(
                0,
                count("select count(*) from follow f join actor a on a.id in (f.follower_id, f.followed_id)"
                        + " where a.domain = 'cut.example'"));
    }

    @Test
    void aLimitIsAppliedAtOnceAndABadDomainComesBackByItsFieldWithTheTextKept() {
        var alice = signedIn("alice");
        var bad = alice.submit(
                "/admin/domains",
                "/admin/domains/block",
                Map.of("domain", "not a domain!", "severity", "limit", "public_comment", "spam"));
        assertEquals(422, bad.statusCode());
        var page = Jsoup.parse(bad.body());
        assertEquals("not a domain!", page.selectFirst("#domain").val());
        assertEquals("spam", page.selectFirst("#public_comment").val());
        assertTrue(page.selectFirst("#domain-error").text().contains("is not a domain"));
        assertEquals("domain-hint domain-error", page.selectFirst("#domain").attr("aria-describedby"));
        assertNotNull(page.selectFirst(".error-summary a[href=#domain]"));

        var noSeverity = alice.submit("/admin/domains", "/admin/domains/block", Map.of("domain", "quiet.example"));
        assertEquals(422, noSeverity.statusCode());
        assertEquals(
                "Choose how strict the block is.",
                Jsoup.parse(noSeverity.body()).selectFirst("#severity-error").text());

        var limit = alice.submit(
                "/admin/domains",
                "/admin/domains/block",
                Map.of("domain", "loud.example", "severity", "limit", "reject_media", "yes"));
        assertEquals(303, limit.statusCode());
        assertEquals(
                1,
                count("select count(*) from domain_block where domain = 'loud.example' and severity = 'limit'"
                        + " and reject_media"));
        var csv = alice.get("/admin/domains/export");
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
        assertTrue(csv.body().contains("loud.example,silence,true,false"), csv.body());
        assertTrue(alice.get("/admin/domains/export?format=plain").body().contains("loud.example\n"));
    }

    @Test
    void theAllowlistTakesDomainsAndGivesThemBack() {
        var alice = signedIn("alice");
        assertEquals(
                303,
                alice.submit("/admin/domains", "/admin/domains/allow", Map.of("allow_domain", "friend.example"))
                        .statusCode());
        assertEquals(List.of("friend.example"), server.app().policyService().allowed());
        var page = Jsoup.parse(alice.get("/admin/domains").body());
        assertTrue(page.selectFirst("form[action=/admin/domains/unallow] button")
                .text()
                .equals("Take friend.example off the allowlist"));
        var bad = alice.submit("/admin/domains", "/admin/domains/allow", Map.of("allow_domain", "no way"));
        assertEquals(422, bad.statusCode());
        assertEquals(
                "no way", Jsoup.parse(bad.body()).selectFirst("#allow_domain").val());
        assertEquals(
                303,
                alice.submit("/admin/domains", "/admin/domains/unallow", Map.of("domain", "friend.example"))
                        .statusCode());
        assertEquals(List.of(), server.app().policyService().allowed());
        assertEquals(1, count("select count(*) from audit_log where action = 'domain.unallow' and actor = 'alice'"));
    }

    @Test
    void anImportShowsEachLinesFateAndAppliesNothingUntilAsked() {
        var alice = signedIn("alice");
        alice.submit("/admin/domains", "/admin/domains/block", Map.of("domain", "same.example", "severity", "limit"));
        var broken = """
                #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
                new.example,suspend,false,false,spam,false
                not a domain,suspend,false,false,,false
                """;
        var refused = alice.submit("/admin/domains/import", "/admin/domains/import", Map.of("blocklist", broken));
        assertEquals(422, refused.statusCode());
        var page = Jsoup.parse(refused.body());
        assertEquals(broken.strip(), page.selectFirst("#blocklist").val().strip());
        var lines = page.select("ol.import-lines li");
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).hasClass("fate-skip"));
        assertTrue(lines.get(1).hasClass("fate-add"));
        assertTrue(lines.get(2).hasClass("fate-invalid"));
        assertTrue(lines.get(2).text().contains("Line 3"));
        assertNull(
                page.selectFirst("form[action=/admin/domains/import/apply]"), "nothing to apply while a line is bad");
        assertEquals(0, count("select count(*) from domain_block where domain = 'new.example'"));

        var good = """
                #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
                new.example,suspend,false,false,spam,false
                same.example,silence,false,false,,false
                changed.example,noop,true,false,,false
                """;
        alice.submit(
                "/admin/domains", "/admin/domains/block", Map.of("domain", "changed.example", "severity", "limit"));
        var checked = alice.submit("/admin/domains/import", "/admin/domains/import", Map.of("blocklist", good));
        assertEquals(200, checked.statusCode());
        page = Jsoup.parse(checked.body());
        var fates = page.select("ol.import-lines li").stream()
                .map(li -> li.className().replace("card ", ""))
                .toList();
        assertEquals(List.of("fate-skip", "fate-add", "fate-same", "fate-change"), fates);
        assertEquals(
                0, count("select count(*) from domain_block where domain = 'new.example'"), "a check applies nothing");
        var apply = page.selectFirst("form[action=/admin/domains/import/apply]");
        assertEquals("Apply these 2 changes", apply.selectFirst("button").text());
        var fields = new LinkedHashMap<String, String>();
        for (var input : apply.select("input[type=hidden]")) fields.put(input.attr("name"), input.val());
        var applied = alice.post("/admin/domains/import/apply", fields);
        assertEquals(303, applied.statusCode(), applied.body());
        assertEquals(
                1, count("select count(*) from domain_block where domain = 'new.example' and severity = 'suspend'"));
        assertEquals(
                1, count("select count(*) from domain_block where domain = 'changed.example' and severity = 'noop'"));
    }

    @Test
    void aSuspendedMemberIsSignedOutCannotSignInAndIsLetBackWhenLifted() {
        var tess = signedIn("tess");
        var alice = signedIn("alice");
        var confirm = Jsoup.parse(alice.get("/admin/members/tess/suspend").body());
        assertEquals("Suspend tess?", confirm.selectFirst("h1").text());
        var noReason = alice.submit("/admin/members/tess/suspend", "/admin/members/tess/suspend", Map.of());
        assertEquals(422, noReason.statusCode());
        assertNotNull(Jsoup.parse(noReason.body()).selectFirst("#reason-error"));
        var done = alice.submit(
                "/admin/members/tess/suspend", "/admin/members/tess/suspend", Map.of("reason", "selling things"));
        assertEquals(303, done.statusCode());
        // Signed out at once: the settings page now sends them to sign in.
        assertEquals(303, tess.get("/settings").statusCode());
        var again = new WebClient(server);
        var refused = again.submit("/login", "/login", Map.of("username", "tess", "password", PASSWORD, "next", "/"));
        assertEquals(403, refused.statusCode());
        assertTrue(Jsoup.parse(refused.body())
                .selectFirst("#username-error")
                .text()
                .contains("suspended"));
        // The wrong password says nothing about suspension.
        var wrong = again.submit(
                "/login", "/login", Map.of("username", "tess", "password", "not the password at all", "next", "/"));
        assertEquals(401, wrong.statusCode());
        assertFalse(wrong.body().contains("suspended"));
        var page = Jsoup.parse(alice.get("/admin/members/tess").body());
        assertTrue(page.selectFirst("#member-standing").text().startsWith("Suspended since"));
        assertEquals(
                303,
                alice.submit("/admin/members/tess", "/admin/members/tess/unsuspend", Map.of())
                        .statusCode());
        signedIn("tess");
        // Admins and oneself are not suspended.
        var self = alice.submit(
                "/admin/members/alice/suspend", "/admin/members/alice/suspend", Map.of("reason", "testing"));
        assertEquals(422, self.statusCode());
        assertEquals(
                "You cannot suspend yourself.",
                Jsoup.parse(self.body()).selectFirst("#reason-error").text());
    }

    @Test
    void aResetLinkIsShownOnceWorksOnceAndSignsTheMemberOutEverywhere() {
        var rue = signedIn("rue");
        var alice = signedIn("alice");
        var issued = alice.submit("/admin/members/rue", "/admin/members/rue/reset", Map.of());
        assertEquals(200, issued.statusCode());
        assertEquals("no-store", issued.headers().firstValue("Cache-Control").orElseThrow());
        var link = Jsoup.parse(issued.body()).selectFirst("#reset-url").text();
        assertTrue(link.startsWith(server.base() + "/reset/"), link);
        var path = link.substring(server.base().length());
        assertNull(Jsoup.parse(alice.get("/admin/members/rue").body()).selectFirst("#reset-url"), "shown once");
        signedIn("rue");

        var member = new WebClient(server);
        var form = Jsoup.parse(member.get(path).body());
        assertTrue(form.selectFirst("main").text().contains("This link lets rue choose a new password"));
        var mismatch = member.submit(path, path, Map.of("password", "a brand new passphrase", "password_again", "x"));
        assertEquals(422, mismatch.statusCode());
        var tooShort = member.submit(path, path, Map.of("password", "short", "password_again", "short"));
        assertEquals(422, tooShort.statusCode());
        assertTrue(Jsoup.parse(tooShort.body())
                .selectFirst("#password-error")
                .text()
                .contains("too short"));
        var saved = member.submit(
                path, path, Map.of("password", "a brand new passphrase", "password_again", "a brand new passphrase"));
        assertEquals(303, saved.statusCode());
        assertEquals(
                "/login?passwordChanged=1",
                saved.headers().firstValue("Location").orElseThrow());
        assertEquals(303, rue.get("/settings").statusCode(), "signed out everywhere");
        signedIn("rue", "a brand new passphrase");
        assertEquals(404, member.get(path).statusCode(), "a link works once");
        assertEquals(404, member.get("/reset/made-up").statusCode());
        assertEquals(
                1, count("select count(*) from audit_log where action = 'member.password_reset' and target = 'rue'"));
    }

    @Test
    void rolesChangeButTheLastAdminStaysOne() {
        var alice = signedIn("alice");
        var only = alice.submit("/admin/members/alice", "/admin/members/alice/role", Map.of("role", "member"));
        assertEquals(422, only.statusCode());
        assertTrue(Jsoup.parse(only.body()).selectFirst("#role-error").text().contains("only admin"));
        assertEquals(
                Role.ADMIN, server.app().members().find("alice").orElseThrow().role());
        assertEquals(
                303,
                alice.submit("/admin/members/sam", "/admin/members/sam/role", Map.of("role", "admin"))
                        .statusCode());
        assertEquals(
                Role.ADMIN, server.app().members().find("sam").orElseThrow().role());
        assertEquals(200, signedIn("sam").get("/admin").statusCode());
        assertEquals(
                303,
                alice.submit("/admin/members/sam", "/admin/members/sam/role", Map.of("role", "member"))
                        .statusCode());
        assertEquals(403, signedIn("sam").get("/admin").statusCode());
        assertEquals(2, count("select count(*) from audit_log where action = 'member.role' and target = 'sam'"));
    }

    @Test
    void theFederationPageSaysHowEachHostIsDoingAndRetriesOne() {
        server.sql("""
                insert into host_health (host, failing_since, unavailable, last_error)
                values ('down.example', now() - interval '3 days', true, 'connect timed out')""");
        server.sql("""
                insert into outbound_activity (activity_id, actor_id, body)
                select 'https://kindred.test/activities/fed-1', id, '{}' from actor where local limit 1""");
        server.sql("""
                insert into delivery (outbound_id, inbox, host, state, next_attempt_at)
                select id, 'https://down.example/inbox', 'down.example', 'parked', now() + interval '1 day'
                from outbound_activity where activity_id = 'https://kindred.test/activities/fed-1'""");
        server.sql("""
                insert into delivery (outbound_id, inbox, host, state, delivered_at)
                select id, 'https://up.example/inbox', 'up.example', 'delivered', now()
                from outbound_activity where activity_id = 'https://kindred.test/activities/fed-1'""");
        var alice = signedIn("alice");
        var page = Jsoup.parse(alice.get("/admin/federation").body());
        var down = page.select("ol.hosts li").stream()
                .filter(li -> li.selectFirst("h3").text().equals("down.example"))
                .findFirst()
                .orElseThrow();
        assertTrue(down.hasClass("host-unavailable"));
        assertTrue(down.text().contains("connect timed out"));
        var up = page.select("ol.hosts li").stream()
                .filter(li -> li.selectFirst("h3").text().equals("up.example"))
                .findFirst()
                .orElseThrow();
        assertTrue(up.hasClass("host-healthy"));
        assertNull(up.selectFirst("form"), "nothing to retry for a healthy host with nothing waiting");

        var deliveries = Jsoup.parse(alice.get("/admin/federation?activity=https://kindred.test/activities/fed-1")
                .body());
        assertEquals(2, deliveries.select("ol.deliveries li").size());
        var unknown = Jsoup.parse(
                alice.get("/admin/federation?activity=https://nope.example/1").body());
        assertNotNull(unknown.selectFirst("#activity-error"));

        var retried = alice.submit("/admin/federation", "/admin/federation/retry", Map.of("host", "down.example"));
        assertEquals(303, retried.statusCode());
        assertEquals(
                1,
                count("select count(*) from delivery where host = 'down.example' and state = 'queued'"
                        + " and next_attempt_at <= now()"));
        assertEquals(0, count("select count(*) from host_health where host = 'down.example' and unavailable"));
        var audit = Jsoup.parse(alice.get("/admin/audit").body())
                .selectFirst("ol.audit")
                .text();
        assertTrue(audit.contains("federation.retry"), audit);
        assertTrue(audit.contains("down.example"), audit);
    }

    @Test
    void theInstancesCrisisResourcesAreSetHereAndShownOnTheHelpPage() {
        var alice = signedIn("alice");
        var bad = alice.submit("/admin/resources", "/admin/resources", Map.of("resources", "Only a name"));
        assertEquals(422, bad.statusCode());
        var page = Jsoup.parse(bad.body());
        assertEquals("Only a name", page.selectFirst("#resources").val());
        assertNotNull(page.selectFirst("#resources-error"));
        var saved = alice.submit(
                "/admin/resources",
                "/admin/resources",
                Map.of("resources", "Night line | 0800 123 456 | every night | UK | en"));
        assertEquals(303, saved.statusCode(), saved.body());
        var resources = server.app().care().instanceResources();
        assertEquals("Night line", resources.get(0).name());
        assertEquals("0800 123 456", resources.get(0).contact());
        assertTrue(new WebClient(server).get("/help").body().contains("Night line"));
        assertEquals(
                "Night line | 0800 123 456 | every night | UK | en",
                Jsoup.parse(alice.get("/admin/resources").body())
                        .selectFirst("#resources")
                        .val());
    }
}
