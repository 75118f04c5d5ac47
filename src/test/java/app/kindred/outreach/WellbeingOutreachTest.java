package app.kindred.outreach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.member.Role;
import app.kindred.report.UnseenConcerns;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Wellbeing concerns that reach a person (issue 16): moderators on duty are told at once, admins
 * when nobody opened a concern in time, check-ins to local and remote people with the answer landing
 * with the moderator, no Flag to the person's own server, and stopping a member's concerns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WellbeingOutreachTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
    private TestServer server;
    private ApiClient api;
    private String warden, owl, robin, sam, root;
    private long haven;

    @BeforeAll
    void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        warden = api.member("warden");
        owl = api.member("owl");
        robin = api.member("robin");
        sam = api.member("sam");
        server.app().members().create("root", "correct horse battery", Role.ADMIN);
        root = api.logIn("root");
        haven = api.community(warden, "haven");
        server.sql(
                "insert into community_moderator (community_id, actor_id) values (?, ?)", haven, server.actorId("owl"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aModeratorOnDutyIsToldOfAConcernAtOnceAndOneOffDutyIsNot() {
        var duty = api.send("PUT", "/api/v1/communities/" + haven + "/on_duty", "{\"on_duty\": true}", warden);
        assertEquals(200, duty.statusCode(), duty.body());
        assertTrue(ApiClient.body(duty).get("on_duty").asBoolean());
        assertTrue(ApiClient.body(api.get("/api/v1/me/duties", warden))
                .get(0)
                .get("on_duty")
                .asBoolean());
        assertEquals(
                403,
                api.send("PUT", "/api/v1/communities/" + haven + "/on_duty", "{\"on_duty\": true}", robin)
                        .statusCode(),
                "only its moderators go on duty in a community");

        long report = concern(thread(sam, "Tonight is hard"), robin);
        assertTrue(kinds(warden).contains("concern:" + report), "on duty: told at once");
        assertFalse(kinds(owl).stream().anyMatch(k -> k.equals("concern:" + report)), "off duty: not told");
        assertFalse(kinds(sam).stream().anyMatch(k -> k.startsWith("concern")), "the person is never told");
    }

    @Test
    void aConcernNobodyOpenedReachesTheAdminsAfterTheSetTimeOnce() {
        long unseen = concern(thread(sam, "Nobody around"), robin);
        long seen = concern(thread(sam, "Someone looked"), owl);
        assertEquals(200, api.get("/api/v1/reports/" + seen, warden).statusCode());

        var db = server.app().database();
        var soon = new UnseenConcerns(
                db, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(119)), Duration.ofHours(2), Duration.ZERO);
        soon.escalateDue();
        assertFalse(kinds(root).contains("concern_unseen:" + unseen), "not before the time is up");

        var later = new UnseenConcerns(
                db, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(121)), Duration.ofHours(2), Duration.ZERO);
        assertTrue(later.escalateDue() >= 1);
        assertTrue(kinds(root).contains("concern_unseen:" + unseen), "the admins are told");
        assertFalse(kinds(root).contains("concern_unseen:" + seen), "a moderator opened that one");
        assertEquals(0, later.escalateDue(), "told once");
    }

    @Test
    void aCheckInReachesALocalMemberAndTheirAnswerLandsWithTheModerator() {
        long report = concern(thread(sam, "Quiet lately"), robin);
        var sent = api.post(
                "/api/v1/reports/" + report + "/check_in", Map.of("text", "Hi sam, how are you doing?"), warden);
        assertEquals(201, sent.statusCode(), sent.body());
        long first = ApiClient.body(sent).get("id").asLong();
        assertTrue(kinds(sam).contains("check_in:" + first), "sam is told: " + kinds(sam));

        var read = ApiClient.body(api.get("/api/v1/check_ins/" + first, sam));
        assertFalse(read.get("as_moderator").asBoolean());
        assertTrue(read.get("messages").get(0).get("content_html").asText().contains("how are you doing"));
        assertEquals(404, api.get("/api/v1/check_ins/" + first, robin).statusCode(), "private to the two of them");
        assertEquals(
                404,
                api.post("/api/v1/check_ins/" + first + "/reply", Map.of("text", "me too"), robin)
                        .statusCode());

        var answer = api.post("/api/v1/check_ins/" + first + "/reply", Map.of("text", "Thank you, a bit better"), sam);
        assertEquals(201, answer.statusCode(), answer.body());
        long reply = ApiClient.body(answer).get("id").asLong();
        assertTrue(kinds(warden).contains("check_in:" + reply), "the answer lands with the moderator");
        var conversation = ApiClient.body(api.get("/api/v1/check_ins/" + reply, warden));
        assertTrue(conversation.get("as_moderator").asBoolean());
        assertEquals(2, conversation.get("messages").size());
        assertFalse(conversation.get("messages").get(1).get("from_moderator").asBoolean());
        assertEquals(1, ApiClient.body(api.get("/api/v1/me/check_ins", sam)).size(), "one conversation, by its newest");

        // Nothing went anywhere else, and a complaint is not a reason to message someone privately.
        assertEquals(0, api.count("select count(*) from outbound_activity where body like '%a bit better%'"));
        long complaint = ApiClient.body(
                        api.post("/api/v1/reports", Map.of("post", thread(sam, "Loud"), "category", "spam"), robin))
                .get("id")
                .asLong();
        assertEquals(
                409,
                api.post("/api/v1/reports/" + complaint + "/check_in", Map.of("text", "hi"), warden)
                        .statusCode());
        assertEquals(
                404,
                api.post("/api/v1/reports/" + report + "/check_in", Map.of("text", "hi"), robin)
                        .statusCode(),
                "only the community's moderators reach out");
        assertEquals(
                422,
                api.post("/api/v1/reports/" + report + "/check_in", Map.of("text", "  "), warden)
                        .statusCode());
    }

    @Test
    void aCheckInToARemotePersonIsANoteToThemAloneAndTheirAnswerComesBack() throws Exception {
        long person = remoteActor("https://masto.example/users/kai", "Person", "kai");
        long post = sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html)
                values ('https://masto.example/notes/kai-1', ?, ?, false, null, '<p>so tired</p>') returning id""", haven, person);
        long report = concern(post, robin);
        var sent = api.post(
                "/api/v1/reports/" + report + "/check_in", Map.of("text", "Thinking of you, **kai**."), warden);
        assertEquals(201, sent.statusCode(), sent.body());

        var create = lastSent("Create");
        var note = create.get("object");
        assertEquals("Note", note.get("type").asText());
        assertEquals(List.of("https://masto.example/users/kai"), strings(note.get("to")));
        assertEquals(List.of(), strings(note.get("cc")));
        assertEquals(List.of("https://masto.example/users/kai"), strings(create.get("to")));
        assertFalse(create.toString().contains(PUBLIC), "never public");
        assertEquals("Mention", note.get("tag").get(0).get("type").asText());
        assertEquals(
                "https://masto.example/users/kai",
                note.get("tag").get(0).get("href").asText());
        assertEquals(server.base() + "/c/haven", note.get("checkIn").asText());
        assertTrue(note.get("content").asText().contains("<strong>kai</strong>"));
        assertEquals(
                List.of("https://masto.example/inbox"),
                inboxesOf(create.get("id").asText()));

        // Mastodon's answer: a direct Note replying to ours, to the moderator only.
        var wardenUri = server.base() + "/u/warden";
        var answer = privateNote(
                "https://masto.example/users/kai/statuses/2",
                note.get("id").asText(),
                wardenUri,
                "Note",
                "<p>thanks, I am ok</p>");
        assertEquals("done", receive(answer, "https://masto.example/users/kai"));
        var conversation = ApiClient.body(
                api.get("/api/v1/check_ins/" + ApiClient.body(sent).get("id").asLong(), warden));
        assertEquals(2, conversation.get("messages").size(), conversation.toString());
        assertTrue(
                conversation.get("messages").get(1).get("content_html").asText().contains("I am ok"));
        assertTrue(kinds(warden).stream().anyMatch(k -> k.startsWith("check_in:")));

        // Lemmy's form of the same answer, ChatMessage, lands too.
        var chat = privateNote(
                "https://masto.example/users/kai/chat/3",
                note.get("id").asText(),
                wardenUri,
                "ChatMessage",
                "<p>and again</p>");
        assertEquals("done", receive(chat, "https://masto.example/users/kai"));

        // Any other private note is still refused: Kindred has no private messages besides check-ins.
        var stray =
                privateNote("https://masto.example/users/kai/statuses/4", null, wardenUri, "Note", "<p>hey you</p>");
        assertTrue(receive(stray, "https://masto.example/users/kai").contains("not public"));
        // Nor can someone else slip into the conversation by replying to it.
        remoteActor("https://masto.example/users/eve", "Person", "eve");
        var intruder = privateNote(
                        "https://masto.example/users/eve/statuses/5",
                        note.get("id").asText(),
                        wardenUri,
                        "Note",
                        "<p>me</p>")
                .put("actor", "https://masto.example/users/eve");
        ((ObjectNode) intruder.get("object")).put("attributedTo", "https://masto.example/users/eve");
        assertTrue(receive(intruder, "https://masto.example/users/eve").startsWith("failed"));
        assertEquals(
                0,
                api.count(
                        "select count(*) from outreach_message where content_html like '%hey you%' or content_html like '%<p>me</p>%'"));
    }

    @Test
    void aConcernAboutSomeoneOnAnotherServerIsNeverFlaggedToTheirServer() throws Exception {
        long groupId = remoteActor("https://lemmy.example/c/calm", "Group", "calm");
        long author = remoteActor("https://masto.example/users/ann", "Person", "ann");
        long community = sqlId("insert into community (actor_id, title) values (?, 'calm') returning id", groupId);
        long post = sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html)
                values ('https://lemmy.example/post/31', ?, ?, false, 'Goodbye', '<p>x</p>') returning id""", community, author);

        var filed = api.post(
                "/api/v1/reports", Map.of("post", post, "category", "wellbeing", "text", "said goodbye"), robin);
        assertEquals(201, filed.statusCode(), filed.body());
        var flag = lastSent("Flag");
        assertTrue(
                flag.get("content").asText().startsWith("Wellbeing concern (someone may be at risk; not a complaint)"));
        assertEquals(
                List.of("https://lemmy.example/inbox"),
                inboxesOf(flag.get("id").asText()),
                "to the community's moderators only, never to ann's server");

        // A concern about the person alone stays with our admins; nothing leaves.
        long before = api.count("select count(*) from outbound_activity where body::jsonb->>'type' = 'Flag'");
        var aboutPerson = api.post(
                "/api/v1/reports",
                Map.of("member", "https://masto.example/users/ann", "category", "wellbeing", "text", "worried"),
                sam);
        assertEquals(201, aboutPerson.statusCode(), aboutPerson.body());
        assertEquals(before, api.count("select count(*) from outbound_activity where body::jsonb->>'type' = 'Flag'"));
        assertTrue(
                kinds(root)
                        .contains("concern:"
                                + ApiClient.body(aboutPerson).get("id").asLong()),
                "a concern in no community is the admins' at once");

        // And a moderator cannot forward one to the author's server either.
        long inOurs = sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html)
                values ('https://masto.example/notes/ann-2', ?, ?, false, null, '<p>y</p>') returning id""", haven, author);
        long ours = concern(inOurs, robin);
        var forward = api.post("/api/v1/reports/" + ours + "/forward", null, warden);
        assertEquals(409, forward.statusCode(), forward.body());
        assertTrue(forward.body().contains("check-in"), forward.body());
    }

    @Test
    void moderatorsCanStopAMemberFilingConcernsInTheirCommunity() {
        var dee = api.member("dee");
        long thread = thread(sam, "Target");
        var stop = api.post(
                "/api/v1/communities/" + haven + "/concern_stops",
                Map.of("member", "dee", "reason", "used to pile on sam"),
                warden);
        assertEquals(201, stop.statusCode(), stop.body());
        assertEquals(
                403,
                api.post("/api/v1/communities/" + haven + "/concern_stops", Map.of("member", "robin"), sam)
                        .statusCode(),
                "only moderators");
        assertEquals(
                1,
                ApiClient.body(api.get("/api/v1/communities/" + haven + "/concern_stops", owl))
                        .size());

        var refused = api.post("/api/v1/reports", Map.of("post", thread, "category", "wellbeing"), dee);
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("paused"), refused.body());
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", thread, "category", "harassment"), dee)
                        .statusCode(),
                "other reports still go through");

        assertEquals(
                204,
                api.delete("/api/v1/communities/" + haven + "/concern_stops?member=dee", warden)
                        .statusCode());
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", thread, "category", "wellbeing"), dee)
                        .statusCode());
    }

    // ---- helpers ----

    @Test
    void aCheckInAboutAnAnonymousPostReachesTheMemberBehindItAndNobodyElse() {
        // A member of their own: a check-in joins the moderator's one conversation with that person.
        var kit = api.member("kit");
        var allow = api.patch("/api/v1/communities/" + haven, Map.of("anonymous_posting", true), warden);
        assertEquals(200, allow.statusCode(), allow.body());
        var posted = api.post(
                "/api/v1/communities/" + haven + "/threads",
                Map.of("title", "I can't say this with my name", "body", "words", "anonymous", true),
                kit);
        assertEquals(201, posted.statusCode(), posted.body());
        long report = concern(ApiClient.body(posted).get("id").asLong(), robin);

        var sent =
                api.post("/api/v1/reports/" + report + "/check_in", Map.of("text", "Thinking of you tonight."), warden);
        assertEquals(201, sent.statusCode(), sent.body());
        long id = ApiClient.body(sent).get("id").asLong();
        // The concern names the pseudonym; the check-in reaches the member who wrote it, privately.
        assertTrue(kinds(kit).contains("check_in:" + id), "the writer is told: " + kinds(kit));
        assertEquals(200, api.get("/api/v1/check_ins/" + id, kit).statusCode());
        assertEquals(404, api.get("/api/v1/check_ins/" + id, robin).statusCode(), "the one worried learns nothing");
        assertFalse(kinds(robin).contains("check_in:" + id));
    }

    private long thread(String token, String title) {
        var r = api.post("/api/v1/communities/" + haven + "/threads", Map.of("title", title, "body", "words"), token);
        assertEquals(201, r.statusCode(), r.body());
        return ApiClient.body(r).get("id").asLong();
    }

    private long concern(long post, String token) {
        var r = api.post("/api/v1/reports", Map.of("post", post, "category", "wellbeing", "text", "worried"), token);
        assertEquals(201, r.statusCode(), r.body());
        return ApiClient.body(r).get("id").asLong();
    }

    /** The member's notifications as kind:report or kind:check-in id. */
    private List<String> kinds(String token) {
        var out = new ArrayList<String>();
        for (var n : ApiClient.body(api.get("/api/v1/me/notifications?limit=100", token))
                .get("notifications")) {
            var id = n.has("report_id") ? n.get("report_id") : n.get("check_in_id");
            out.add(n.get("kind").asText() + (id == null ? "" : ":" + id.asLong()));
        }
        return out;
    }

    private ObjectNode privateNote(String id, String inReplyTo, String to, String type, String html) {
        var object = JSON.createObjectNode()
                .put("id", id)
                .put("type", type)
                .put("attributedTo", "https://masto.example/users/kai")
                .put("content", html);
        if (inReplyTo != null) object.put("inReplyTo", inReplyTo);
        object.putArray("to").add(to);
        var create = JSON.createObjectNode()
                .put("@context", "https://www.w3.org/ns/activitystreams")
                .put("id", id + "/activity")
                .put("type", "Create")
                .put("actor", "https://masto.example/users/kai");
        create.putArray("to").add(to);
        create.set("object", object);
        return create;
    }

    private static List<String> strings(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

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

    private long remoteActor(String uri, String type, String name) {
        var host = URI.create(uri).getRawAuthority();
        return sqlId("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, shared_inbox, fetched_at)
                values (?, ?, ?, ?, false, ?, ?, now())
                on conflict (uri) do update set fetched_at = now() returning id""", uri, type, name, host, uri + "/inbox", "https://" + host + "/inbox");
    }

    private JsonNode lastSent(String type) throws Exception {
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
}
