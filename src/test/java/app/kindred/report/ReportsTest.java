package app.kindred.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.federation.OutboxPrivacyTest;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reports end to end on one instance: filing, grouping, the queues of moderators and admins,
 * decisions, the reporter's view, Flags sent about remote content, and Flags and Resolves received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery";
    private TestServer server;
    private String warden, robin, sam, admin, other;
    private long peers, elsewhere;

    @BeforeAll
    void start() {
        server = TestServer.start();
        warden = member("warden", Role.MEMBER);
        robin = member("robin", Role.MEMBER);
        sam = member("sam", Role.MEMBER);
        other = member("otherwarden", Role.MEMBER);
        admin = member("root", Role.ADMIN);
        peers = community(warden, "peers");
        elsewhere = community(other, "elsewhere");
        var rules = new ApiClient(server)
                .send(
                        "PUT",
                        "/api/v1/communities/" + peers + "/rules",
                        "[{\"title\": \"Be kind\"}, {\"title\": \"No names of employers\"}]",
                        warden);
        assertEquals(200, rules.statusCode(), rules.body());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aMemberFilesOnceOnAnOpenReportAndFilingAgainUpdatesIt() throws Exception {
        long thread = thread(sam, peers, "Said once");
        var first = json(
                post("/api/v1/reports", Map.of("post", thread, "category", "spam", "text", "first words"), robin), 201);
        long report = first.get("id").asLong();
        var again = json(
                post(
                        "/api/v1/reports",
                        Map.of("post", thread, "category", "harassment", "text", "better words"),
                        robin),
                201);
        assertEquals(report, again.get("id").asLong());

        // Many at once from one account still make one filing.
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new java.util.concurrent.CountDownLatch(1);
            var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post(
                                    "/api/v1/reports",
                                    Map.of("post", thread, "category", "harassment", "text", "better words"),
                                    robin)
                            .statusCode();
                }));
            }
            start.countDown();
            for (var answer : answers) assertEquals(201, answer.get());
        }

        var filings = json(get("/api/v1/reports?community=" + peers, warden), 200);
        var grouped = find(filings, report);
        assertEquals(1, grouped.get("filings").size(), grouped.toString());
        assertEquals("better words", grouped.get("filings").get(0).get("text").asText());
        assertEquals("harassment", grouped.get("filings").get(0).get("category").asText());
    }

    @Test
    void reportsOfOneThreadAreGroupedAndAWellbeingConcernStandsApartAndFirst() {
        long thread = thread(sam, peers, "A hard week");
        var first = json(
                post(
                        "/api/v1/reports",
                        Map.of("post", thread, "category", "rule", "rule", 2, "text", "names an employer"),
                        robin),
                201);
        var second = json(post("/api/v1/reports", Map.of("post", thread, "category", "spam"), warden), 201);
        assertEquals(first.get("id").asLong(), second.get("id").asLong(), "grouped under one report");
        var concern = json(
                post(
                        "/api/v1/reports",
                        Map.of("post", thread, "category", "wellbeing", "text", "they sound at risk"),
                        robin),
                201);
        assertFalse(concern.get("id").asLong() == first.get("id").asLong(), "a wellbeing concern is not a complaint");
        assertEquals("wellbeing", concern.get("concern").asText());

        var queue = json(get("/api/v1/reports?community=" + peers, warden), 200);
        assertEquals("wellbeing", queue.get(0).get("concern").asText(), "listed first: " + queue);
        var grouped = find(queue, first.get("id").asLong());
        assertEquals(2, grouped.get("filings").size());
        assertEquals(
                List.of("rule", "spam"),
                List.of(
                        grouped.get("categories").get(0).asText(),
                        grouped.get("categories").get(1).asText()));
        assertEquals(2, grouped.get("filings").get(0).get("rule").asInt());
        assertEquals(
                server.base() + "/u/robin",
                grouped.get("filings").get(0).get("reporter").asText());
        assertTrue(grouped.get("for_admins").asBoolean(), "it concerns one of our members, so admins see it too");

        var spamOnly = json(get("/api/v1/reports?category=spam&community=" + peers, warden), 200);
        for (var r : spamOnly) assertTrue(r.get("categories").toString().contains("spam"), r.toString());
        assertTrue(spamOnly.toString().contains("\"id\":" + first.get("id").asLong() + ","));
        assertFalse(spamOnly.toString().contains("\"id\":" + concern.get("id").asLong() + ","));
        assertEquals(
                0,
                json(get("/api/v1/reports?community=" + peers, other), 200).size(),
                "another community's moderator sees none");
        assertEquals(
                404, get("/api/v1/reports/" + first.get("id").asLong(), other).statusCode());
        assertEquals(403, get("/api/v1/reports", robin).statusCode(), "a member who moderates nothing has no queue");
        assertTrue(json(get("/api/v1/reports", admin), 200).size() >= 2, "admins see everything");
    }

    @Test
    void aModeratorResolvesWithANoteAndTheReporterSeesTheStatus() {
        long thread = thread(sam, peers, "Selling things");
        long id = json(post("/api/v1/reports", Map.of("post", thread, "category", "spam", "text", "ads"), robin), 201)
                .get("id")
                .asLong();
        assertEquals(
                404,
                post("/api/v1/reports/" + id + "/resolve", Map.of("note", "x"), other)
                        .statusCode());
        var resolved = json(post("/api/v1/reports/" + id + "/resolve", Map.of("note", "removed it"), warden), 200);
        assertEquals("resolved", resolved.get("status").asText());
        assertEquals("removed it", resolved.get("note").asText());
        assertEquals(
                409,
                post("/api/v1/reports/" + id + "/dismiss", Map.of(), warden).statusCode());

        var mine = json(get("/api/v1/me/reports", robin), 200);
        var entry = find(mine, id);
        assertEquals("resolved", entry.get("status").asText());
        assertFalse(entry.has("note"), "the moderators' note is theirs");
        assertEquals(
                resolved.get("status"),
                json(get("/api/v1/reports?status=resolved", warden), 200).findValue("status"));

        // Once decided, a new report of the same thing opens a new report.
        var again = json(post("/api/v1/reports", Map.of("post", thread, "category", "spam"), warden), 201);
        assertFalse(again.get("id").asLong() == id);
    }

    @Test
    void aReportAboutAMemberGoesToAdminsNotToModerators() {
        var report = json(
                post("/api/v1/reports", Map.of("member", "sam", "category", "harassment", "text", "DMs"), robin), 201);
        long id = report.get("id").asLong();
        assertEquals(404, get("/api/v1/reports/" + id, warden).statusCode());
        var seen = json(get("/api/v1/reports/" + id, admin), 200);
        assertTrue(seen.get("for_admins").asBoolean());
        assertEquals(server.base() + "/u/sam", seen.get("subject").asText());
        var dismissed = json(post("/api/v1/reports/" + id + "/dismiss", null, admin), 200);
        assertEquals("dismissed", dismissed.get("status").asText());
    }

    @Test
    void badReportsAreRefusedNamingTheField() {
        long thread = thread(sam, peers, "Fine thread");
        assertEquals(
                422,
                post("/api/v1/reports", Map.of("post", thread, "category", "rule"), robin)
                        .statusCode());
        var noSuchRule = post("/api/v1/reports", Map.of("post", thread, "category", "rule", "rule", 3), robin);
        assertEquals(422, noSuchRule.statusCode(), "peers has two rules");
        assertEquals("rule", TestServer.json(noSuchRule).path("field").asText(), noSuchRule.body());
        assertTrue(noSuchRule.body().contains("no rule 3"), noSuchRule.body());
        long unruled = thread(other, elsewhere, "No rules here");
        assertEquals(
                422,
                post("/api/v1/reports", Map.of("post", unruled, "category", "rule", "rule", 1), robin)
                        .statusCode(),
                "elsewhere has no guidelines at all");
        assertEquals(
                422,
                post("/api/v1/reports", Map.of("member", "sam", "category", "rule", "rule", 1), robin)
                        .statusCode(),
                "a member is reported to admins, under no community's rules");
        assertEquals(
                201,
                post("/api/v1/reports", Map.of("post", thread, "category", "rule", "rule", 2), robin)
                        .statusCode());
        assertEquals(
                422,
                post("/api/v1/reports", Map.of("post", thread, "member", "sam", "category", "spam"), robin)
                        .statusCode());
        assertEquals(
                422,
                post("/api/v1/reports", Map.of("post", thread, "category", "rudeness"), robin)
                        .statusCode());
        assertEquals(
                422,
                post("/api/v1/reports", Map.of("post", thread, "category", "spam"), sam)
                        .statusCode(),
                "not yourself");
        assertEquals(
                404,
                post("/api/v1/reports", Map.of("post", 999999, "category", "spam"), robin)
                        .statusCode());
        assertEquals(
                401,
                post("/api/v1/reports", Map.of("post", thread, "category", "spam"), null)
                        .statusCode());
        assertEquals(
                400,
                post("/api/v1/reports", Map.of("post", thread, "category", "spam", "who", 1), robin)
                        .statusCode());
    }

    @Test
    void reportingRemoteContentSendsOneFlagFromTheInstanceActorToTheCommunityAndTheAuthor() throws Exception {
        long post = remotePost("main", "ann", 7);

        var mine = json(
                post("/api/v1/reports", Map.of("post", post, "category", "spam", "text", "a link farm"), robin), 201);
        assertTrue(mine.get("sent_to_other_servers").asBoolean());
        var flag = lastSent("Flag");
        assertEquals(
                server.app().instanceActor().uri().toString(), flag.get("actor").asText(), "the reporter is hidden");
        assertEquals(
                "https://lemmy.example/post/7", flag.get("object").get(0).asText(), "Lemmy reads the first object");
        assertEquals(
                "https://masto.example/users/ann", flag.get("object").get(1).asText());
        assertEquals("Spam: a link farm", flag.get("content").asText());
        assertEquals("Spam: a link farm", flag.get("summary").asText());
        assertEquals("https://lemmy.example/c/main", flag.get("to").get(0).asText());
        assertEquals(
                List.of("https://lemmy.example/inbox", "https://masto.example/inbox"),
                inboxesOf(flag.get("id").asText()));

        // Opting in names the reporter instead; the second Flag is grouped under the same report here.
        json(
                post("/api/v1/reports", Map.of("post", post, "category", "harassment", "show_identity", true), warden),
                201);
        assertEquals(server.base() + "/u/warden", lastSent("Flag").get("actor").asText());

        // The community's server resolves our Flag: the reporter sees it.
        var resolve = JSON.createObjectNode()
                .put("id", "https://lemmy.example/activities/resolve/1")
                .put("type", "Resolve")
                .put("actor", "https://lemmy.example/u/mod");
        resolve.set("object", flag);
        remoteActor("https://lemmy.example/u/mod", "Person", "mod");
        assertEquals("done", receive(resolve, "https://lemmy.example/u/mod"));
        assertEquals(
                "resolved",
                find(json(get("/api/v1/me/reports", robin), 200), mine.get("id").asLong())
                        .get("status")
                        .asText());

        // A server the Flag never went to cannot close it.
        remoteActor("https://stranger.example/u/x", "Person", "x");
        var spam = json(post("/api/v1/reports", Map.of("post", post, "category", "other"), robin), 201);
        var flag2 = lastSent("Flag");
        var forged = JSON.createObjectNode()
                .put("id", "https://stranger.example/r/1")
                .put("type", "Resolve")
                .put("actor", "https://stranger.example/u/x")
                .put("object", flag2.get("id").asText());
        assertTrue(receive(forged, "https://stranger.example/u/x").startsWith("failed"));
        assertEquals(
                "open",
                find(json(get("/api/v1/me/reports", robin), 200), spam.get("id").asLong())
                        .get("status")
                        .asText());
    }

    @Test
    void aFlagWeSentIsNeverServedToAnyone() throws Exception {
        long post = remotePost("quiet", "bo", 8);
        json(
                post(
                        "/api/v1/reports",
                        Map.of(
                                "post",
                                post,
                                "category",
                                "harassment",
                                "text",
                                "they know where I work",
                                "show_identity",
                                true),
                        robin),
                201);
        var flag = lastSent("Flag");

        // What a report says, and who made it, goes to the moderators it is addressed to and nowhere else.
        var flagId = URI.create(flag.get("id").asText());
        assertEquals(
                404,
                OutboxPrivacyTest.activityJson(server, flagId.getRawPath()).statusCode(),
                "its id does not dereference");
        for (var outbox : List.of("/actor/outbox?page=1", "/u/robin/outbox?page=1")) {
            var page = OutboxPrivacyTest.activityJson(server, outbox);
            assertEquals(200, page.statusCode(), page.body());
            assertFalse(page.body().contains("they know where I work"), outbox + ": " + page.body());
            assertTrue(page.body().contains("OrderedCollectionPage"), page.body());
            assertFalse(page.body().contains(flag.get("id").asText()), outbox);
        }
    }

    @Test
    void aModeratorForwardsAReportAboutARemoteAuthorToTheirServer() throws Exception {
        long author = remoteActor("https://far.example/users/bo", "Person", "bo");
        long post = sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html)
                values ('https://far.example/notes/1', ?, ?, false, 'Hi', '<p>x</p>') returning id""", peers, author);
        long id = json(
                        post("/api/v1/reports", Map.of("post", post, "category", "harassment", "text", "slurs"), robin),
                        201)
                .get("id")
                .asLong();
        assertEquals(
                0,
                count(
                        "select count(*) from outbound_activity where body::jsonb->>'type' = 'Flag' and body::jsonb->'object'->>0 = ?",
                        "https://far.example/notes/1"),
                "a report in our own community is ours to judge first");
        var forwarded = json(post("/api/v1/reports/" + id + "/forward", null, warden), 200);
        assertTrue(forwarded.has("forwarded_at"));
        var flag = lastSent("Flag");
        assertEquals(
                server.app().instanceActor().uri().toString(), flag.get("actor").asText());
        assertEquals("Harassment: slurs", flag.get("content").asText());
        assertEquals(
                List.of("https://far.example/inbox"), inboxesOf(flag.get("id").asText()));
        assertEquals(
                409, post("/api/v1/reports/" + id + "/forward", null, warden).statusCode());

        // The author's server answers the forwarded Flag: its id was kept, so the report closes.
        remoteActor("https://far.example/users/admin", "Person", "admin");
        var resolve = JSON.createObjectNode()
                .put("id", "https://far.example/resolves/1")
                .put("type", "Resolve")
                .put("actor", "https://far.example/users/admin")
                .put("object", flag.get("id").asText());
        assertEquals("done", receive(resolve, "https://far.example/users/admin"));
        assertEquals(
                "resolved",
                json(get("/api/v1/reports/" + id, warden), 200).get("status").asText());
    }

    @Test
    void aModeratorReportedInTheirOwnCommunityNeitherSeesTheReportNorWhoFiledIt() {
        var hana = member("hana", Role.MEMBER);
        var ivo = member("ivo", Role.MEMBER);
        long haven = community(hana, "haven");
        assertEquals(
                200,
                post("/api/v1/communities/" + haven + "/moderators", Map.of("actor", "ivo"), hana)
                        .statusCode());
        long thread = thread(hana, haven, "My own thread");
        long id = json(
                        post(
                                "/api/v1/reports",
                                Map.of("post", thread, "category", "harassment", "text", "mocked me"),
                                robin),
                        201)
                .get("id")
                .asLong();

        // Her co-moderator handles it and sees who filed it; she does not see it at all.
        var forIvo = find(json(get("/api/v1/reports?community=" + haven, ivo), 200), id);
        assertEquals(
                server.base() + "/u/robin",
                forIvo.get("filings").get(0).get("reporter").asText());
        for (var r : json(get("/api/v1/reports?community=" + haven, hana), 200))
            assertFalse(r.get("id").asLong() == id, r.toString());
        assertEquals(404, get("/api/v1/reports/" + id, hana).statusCode());
        assertEquals(
                404, post("/api/v1/reports/" + id + "/dismiss", Map.of(), hana).statusCode());
        assertEquals(
                "open",
                json(get("/api/v1/reports/" + id, ivo), 200).get("status").asText(),
                "her refusal changed nothing");
        assertEquals(
                server.base() + "/u/robin",
                find(json(get("/api/v1/reports", admin), 200), id)
                        .get("filings")
                        .get(0)
                        .get("reporter")
                        .asText(),
                "admins still see it all");

        // An admin reported sees the report (admins see everything) but never the reporter.
        long adminsThread = thread(admin, haven, "An admin's thread");
        long aboutAdmin = json(post("/api/v1/reports", Map.of("post", adminsThread, "category", "spam"), robin), 201)
                .get("id")
                .asLong();
        var forAdmin = json(get("/api/v1/reports/" + aboutAdmin, admin), 200);
        assertFalse(forAdmin.get("filings").get(0).has("reporter"), forAdmin.toString());
        assertTrue(find(json(get("/api/v1/reports?community=" + haven, hana), 200), aboutAdmin)
                .get("filings")
                .get(0)
                .has("reporter"));
    }

    @Test
    void aFlagInOurOwnFormKeepsItsCategoryAndAnExistingRuleAndOtherTextIsOther() throws Exception {
        long thread = thread(sam, peers, "Categorised from afar");
        var threadUri = server.app()
                .database()
                .read(c -> Sql.one(c, "select uri from post where id = ?", rs -> rs.getString(1), thread))
                .orElseThrow();
        remoteActor("https://kin.example/actor", "Application", "kin.example");
        var texts = Map.of(
                "rule2",
                "Breaks rule 2: names the employer",
                "rule9",
                "Breaks rule 9: no such rule",
                "spam",
                "Spam: a link farm",
                "care",
                "Wellbeing concern (someone may be at risk; not a complaint): said goodbye",
                "lemmy",
                "spam, please remove");
        for (var e : texts.entrySet()) {
            var flag = JSON.createObjectNode()
                    .put("id", "https://kin.example/flags/" + e.getKey())
                    .put("type", "Flag")
                    .put("actor", "https://kin.example/actor")
                    .put("summary", e.getValue());
            flag.putArray("object").add(threadUri);
            assertEquals("done", receive(flag, "https://kin.example/actor"));
        }
        assertEquals("rule 2", filed("rule2"));
        assertEquals("other", filed("rule9"), "peers has no rule 9");
        assertEquals("spam", filed("spam"));
        assertEquals("wellbeing", filed("care"));
        assertEquals("other", filed("lemmy"), "free text stays free text");
        assertEquals(
                "wellbeing",
                server.app()
                        .database()
                        .read(c -> Sql.one(c, """
                select r.concern from report r join report_filing f on f.report_id = r.id where f.flag_id = ?""", rs -> rs.getString(1), "https://kin.example/flags/care"))
                        .orElseThrow());
    }

    /** Issue 15: a community's own block of a server refuses that server's reports into it, as it refuses its posts. */
    @Test
    void aCommunityThatBlockedAServerTakesNoFlagFromIt() throws Exception {
        long thread = thread(sam, peers, "Shut out reporters");
        var threadUri = server.app()
                .database()
                .read(c -> Sql.one(c, "select uri from post where id = ?", rs -> rs.getString(1), thread))
                .orElseThrow();
        remoteActor("https://loud.example/actor", "Application", "loud.example");
        server.app().communityBlocks().block(peers, "loud.example", "report floods", "warden");
        try {
            var flag = JSON.createObjectNode()
                    .put("id", "https://loud.example/flags/1")
                    .put("type", "Flag")
                    .put("actor", "https://loud.example/actor")
                    .put("content", "Spam: everything");
            flag.putArray("object").add(threadUri);
            var state = receive(flag, "https://loud.example/actor");
            assertTrue(state.contains("blocked"), state);
            assertEquals(0L, (long) server.app()
                    .database()
                    .read(c -> Sql.count(
                            c, "select count(*) from report_filing where flag_id = 'https://loud.example/flags/1'")));
        } finally {
            server.app().communityBlocks().unblock(peers, "loud.example", "warden");
        }
    }

    private String filed(String flag) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select category || coalesce(' ' || rule, '') from report_filing where flag_id = ?",
                        rs -> rs.getString(1),
                        "https://kin.example/flags/" + flag))
                .orElseThrow();
    }

    @Test
    void aReportInACommunityWithARemoteModeratorReachesTheirInstanceAndTheirResolutionIsPassedOn() throws Exception {
        var kit = member("kit", Role.MEMBER);
        long bridge = community(kit, "bridge");
        long bea = remoteActor("https://beta.example/u/bea", "Person", "bea");
        server.sql("insert into community_moderator (community_id, actor_id) values (?, ?)", bridge, bea);
        long thread = thread(sam, bridge, "Across instances");
        var threadUri = server.app()
                .database()
                .read(c -> Sql.one(c, "select uri from post where id = ?", rs -> rs.getString(1), thread))
                .orElseThrow();

        // Our member's report: the community passes a Flag from the instance actor on to bea's instance.
        var mine = json(post("/api/v1/reports", Map.of("post", thread, "category", "spam", "text", "ads"), robin), 201);
        assertTrue(mine.get("sent_to_other_servers").asBoolean());
        var announce = lastSent("Announce");
        assertEquals(server.base() + "/c/bridge", announce.get("actor").asText());
        assertEquals("Flag", announce.get("object").get("type").asText());
        assertEquals(
                server.app().instanceActor().uri().toString(),
                announce.get("object").get("actor").asText(),
                "robin stays hidden");
        assertEquals(threadUri, announce.get("object").get("object").get(0).asText());
        assertEquals(
                List.of("https://beta.example/inbox"),
                inboxesOf(announce.get("id").asText()));
        assertFalse(announce.toString().contains("www.w3.org/ns/activitystreams#Public"), "a report is never public");

        // A Flag from another server about it is passed on the same way, its id kept.
        remoteActor("https://mastodon.example/actor", "Application", "mastodon.example");
        var flag = JSON.createObjectNode()
                .put("id", "https://mastodon.example/flags/bridge")
                .put("type", "Flag")
                .put("actor", "https://mastodon.example/actor")
                .put("content", "Spam: ads again");
        flag.putArray("object").add(threadUri);
        assertEquals("done", receive(flag, "https://mastodon.example/actor"));
        var passedOn = lastSent("Announce");
        assertEquals(
                "https://mastodon.example/flags/bridge",
                passedOn.get("object").get("id").asText());
        assertEquals(
                List.of("https://beta.example/inbox"),
                inboxesOf(passedOn.get("id").asText()));

        // Bea resolves it on her instance: it is resolved here, and the community tells the Flag's sender.
        var resolve = JSON.createObjectNode()
                .put("id", "https://beta.example/resolves/1")
                .put("type", "Resolve")
                .put("actor", "https://beta.example/u/bea");
        resolve.set("object", flag);
        assertEquals("done", receive(resolve, "https://beta.example/u/bea"));
        var report = json(get("/api/v1/reports/" + mine.get("id").asLong(), kit), 200);
        assertEquals("resolved", report.get("status").asText());
        assertEquals(2, report.get("filings").size(), "robin's report and the Flag are one report");
        var relayed = lastSent("Resolve");
        assertEquals(server.base() + "/c/bridge", relayed.get("actor").asText());
        assertEquals(
                "https://mastodon.example/flags/bridge",
                relayed.get("object").get("id").asText());
        assertEquals(
                List.of("https://mastodon.example/inbox"),
                inboxesOf(relayed.get("id").asText()),
                "beta already knows");
        assertEquals(
                "resolved",
                find(json(get("/api/v1/me/reports", robin), 200), mine.get("id").asLong())
                        .get("status")
                        .asText());

        // Someone who moderates nothing there cannot close a report of it.
        long again = json(post("/api/v1/reports", Map.of("post", thread, "category", "other"), robin), 201)
                .get("id")
                .asLong();
        var forged = JSON.createObjectNode()
                .put("id", "https://beta.example/resolves/2")
                .put("type", "Resolve")
                .put("actor", "https://beta.example/u/bob")
                .put("object", lastSent("Announce").get("object").get("id").asText());
        remoteActor("https://beta.example/u/bob", "Person", "bob");
        assertTrue(receive(forged, "https://beta.example/u/bob").contains("may not resolve"));
        assertEquals(
                "open",
                json(get("/api/v1/reports/" + again, kit), 200).get("status").asText());
    }

    @Test
    void aMastodonFlagLandsInTheCommunityQueueAndAResolveGoesBack() throws Exception {
        long thread = thread(sam, peers, "Reported from afar");
        var threadUri = server.app()
                .database()
                .read(c -> Sql.one(c, "select uri from post where id = ?", rs -> rs.getString(1), thread))
                .orElseThrow();
        remoteActor("https://mastodon.example/actor", "Application", "mastodon.example");
        var flag = JSON.createObjectNode()
                .put("id", "https://mastodon.example/flags/1")
                .put("type", "Flag")
                .put("actor", "https://mastodon.example/actor")
                .put("content", "Please take a look");
        flag.putArray("object").add(server.base() + "/u/sam").add(threadUri);
        assertEquals("done", receive(flag, "https://mastodon.example/actor"));
        assertEquals(
                "done",
                receive(
                        flag.deepCopy().put("id", "https://mastodon.example/flags/2"),
                        "https://mastodon.example/actor"));

        var queue = json(get("/api/v1/reports?community=" + peers + "&status=open&category=other", warden), 200);
        var report = queue.findParents("post").stream()
                .filter(r -> r.get("post").asText().equals(threadUri))
                .findFirst()
                .orElseThrow();
        assertEquals(2, report.get("filings").size(), "two Flags of one post are one report");
        assertEquals(
                "Please take a look", report.get("filings").get(0).get("text").asText());
        assertTrue(report.get("for_admins").asBoolean(), "it concerns our member, so admins see it too");

        json(
                post(
                        "/api/v1/reports/" + report.get("id").asLong() + "/resolve",
                        Map.of("note", "talked to sam"),
                        warden),
                200);
        var resolve = lastSent("Resolve");
        assertEquals(server.base() + "/u/warden", resolve.get("actor").asText());
        assertEquals(
                2,
                count(
                        "select count(*) from outbound_activity where body::jsonb->>'type' = 'Resolve'"
                                + " and body::jsonb->'object'->>'id' in ('https://mastodon.example/flags/1', 'https://mastodon.example/flags/2')"),
                "each Flag gets its Resolve");
        assertEquals("Flag", resolve.get("object").get("type").asText(), "the Flag embedded as received");
        assertEquals(server.base() + "/c/peers", resolve.get("to").get(0).asText());
    }

    @Test
    void aFlagFromADomainWhoseReportsAreRejectedIsRefused() throws Exception {
        long thread = thread(sam, peers, "Blocked reporters");
        var threadUri = server.app()
                .database()
                .read(c -> Sql.one(c, "select uri from post where id = ?", rs -> rs.getString(1), thread))
                .orElseThrow();
        server.sql(
                "insert into domain_block (domain, severity, reject_reports) values ('noisy.example', 'noop', true)");
        server.app().policy().refresh();
        remoteActor("https://noisy.example/u/troll", "Person", "troll");
        var flag = JSON.createObjectNode()
                .put("id", "https://noisy.example/flags/1")
                .put("type", "Flag")
                .put("actor", "https://noisy.example/u/troll")
                .put("summary", "report this")
                .put("object", threadUri);
        var state = receive(flag, "https://noisy.example/u/troll");
        assertTrue(state.startsWith("failed") && state.contains("refused by a domain block"), state);
        assertEquals(0, count("select count(*) from report_filing where flag_id = ?", "https://noisy.example/flags/1"));
    }

    @Test
    void aFlagAboutNothingWeHostIsRefused() throws Exception {
        remoteActor("https://mastodon.example/actor", "Application", "mastodon.example");
        var flag = JSON.createObjectNode()
                .put("id", "https://mastodon.example/flags/nothing")
                .put("type", "Flag")
                .put("actor", "https://mastodon.example/actor")
                .put("content", "?");
        flag.putArray("object").add("https://elsewhere.example/users/1");
        assertTrue(receive(flag, "https://mastodon.example/actor").contains("names nothing"));
    }

    // ---- helpers ----

    /** Stores an activity as the inbox would have, and applies it; answers "done" or "failed: reason". */
    private String receive(JsonNode activity, String actor) throws Exception {
        var body = JSON.writeValueAsString(activity);
        long rowId = sqlId(
                """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values (?, ?, ?, ?, ?::jsonb, 'cavage') returning id""", activity.get("id").asText(), activity.get("type").asText(), actor, server.base() + "/inbox", body);
        server.app()
                .inboundProcessor()
                .process(new InboundActivity(
                        rowId,
                        activity.get("id").asText(),
                        activity.get("type").asText(),
                        URI.create(actor),
                        server.base() + "/inbox",
                        activity,
                        "cavage",
                        1));
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select state || coalesce(': ' || last_error, '') from inbound_activity where id = ?",
                        rs -> rs.getString(1),
                        rowId))
                .orElseThrow();
    }

    /** A post by masto.example's {@code author} in lemmy.example's community {@code group}, as followed remote content. */
    private long remotePost(String group, String author, int n) {
        long groupId = remoteActor("https://lemmy.example/c/" + group, "Group", group);
        long authorId = remoteActor("https://masto.example/users/" + author, "Person", author);
        long community = sqlId("insert into community (actor_id, title) values (?, ?) returning id", groupId, group);
        return sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html)
                values (?, ?, ?, false, 'Remote', '<p>x</p>') returning id""", "https://lemmy.example/post/" + n, community, authorId);
    }

    private long remoteActor(String uri, String type, String name) {
        var host = URI.create(uri).getRawAuthority();
        return sqlId("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, shared_inbox, fetched_at)
                values (?, ?, ?, ?, false, ?, ?, now())
                on conflict (uri) do update set fetched_at = now() returning id""", uri, type, name, host, uri + "/inbox", "https://" + host + "/inbox");
    }

    private JsonNode lastSent(String type) throws IOException {
        var body = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select body from outbound_activity where body::jsonb->>'type' = ? order by id desc limit 1",
                        rs -> rs.getString(1),
                        type))
                .orElseThrow(() -> new AssertionError("no " + type + " was sent"));
        return JSON.readTree(body);
    }

    private List<String> inboxesOf(String activityId) {
        return server.app().database().read(c -> Sql.list(c, """
                select d.inbox from delivery d join outbound_activity o on o.id = d.outbound_id
                where o.activity_id = ? order by d.inbox""", rs -> rs.getString(1), activityId));
    }

    private long sqlId(String sql, Object... params) {
        return server.app().database().transaction(c -> Sql.insert(c, sql, params));
    }

    private long count(String sql, Object... params) {
        return server.app().database().read(c -> Sql.count(c, sql, params));
    }

    private static JsonNode find(JsonNode list, long id) {
        for (var item : list) if (item.get("id").asLong() == id) return item;
        throw new AssertionError("no " + id + " in " + list);
    }

    private String member(String name, Role role) {
        server.app().members().create(name, PASSWORD, role);
        return json(post("/api/v1/auth/login", Map.of("username", name, "password", PASSWORD), null), 200)
                .get("token")
                .asText();
    }

    private long community(String token, String name) {
        return json(post("/api/v1/communities", Map.of("name", name, "title", name, "description", ""), token), 201)
                .get("id")
                .asLong();
    }

    private long thread(String token, long community, String title) {
        return json(
                        post(
                                "/api/v1/communities/" + community + "/threads",
                                Map.of("title", title, "body", "text"),
                                token),
                        201)
                .get("id")
                .asLong();
    }

    private HttpResponse<String> get(String path, String token) {
        return new ApiClient(server).get(path, token);
    }

    private HttpResponse<String> post(String path, Object body, String token) {
        return new ApiClient(server).post(path, body, token);
    }

    private static JsonNode json(HttpResponse<String> response, int expected) {
        assertEquals(expected, response.statusCode(), response.body());
        return TestServer.json(response);
    }
}
