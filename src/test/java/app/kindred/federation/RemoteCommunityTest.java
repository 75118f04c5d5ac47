package app.kindred.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.actor.LocalKeys;
import app.kindred.api.ApiClient;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A remote community as we keep it: on a member's follow its title, description, guidelines and
 * moderators come from its origin; Update{Group} from the group or one of its moderators changes
 * them; from anyone else it is refused with a logged reason. One of our communities takes a remote
 * moderator's edit the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteCommunityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AP = "application/activity+json";

    private WireMockServer remote;
    private TestServer server;
    private ApiClient api;
    private String robin, warden;
    private final LocalKeys keys = LocalKeys.generate(new SecureRandom());

    @BeforeAll
    void start() {
        remote = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        remote.start();
        remote.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(202)));
        server = TestServer.start();
        api = new ApiClient(server);
        robin = api.member("robin");
        warden = api.member("warden");
        person(origin(), "/u/mod");
        person(origin(), "/u/other");
        person(elsewhere(), "/u/stranger");
        remote.stubFor(get(urlEqualTo("/c/main/moderators")).willReturn(okForContentType(AP, """
                {"type": "OrderedCollection", "id": "%1$s/c/main/moderators", "orderedItems": ["%1$s/u/mod"]}""".formatted(origin()))));
        serveGroup(group("Main", "A place for **everything**.", List.of("Be kind", "No spam")));
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (remote != null) remote.stop();
    }

    private String origin() {
        return "http://127.0.0.1:" + remote.port();
    }

    /** The same server under another name: another origin, for an actor who is not the community's. */
    private String elsewhere() {
        return "http://localhost:" + remote.port();
    }

    private String groupId() {
        return origin() + "/c/main";
    }

    private void person(String base, String path) {
        var id = base + path;
        var document = JSON.createObjectNode()
                .put("id", id)
                .put("type", "Person")
                .put("preferredUsername", path.substring(path.lastIndexOf('/') + 1))
                .put("inbox", id + "/inbox");
        document.putObject("publicKey")
                .put("id", id + "#main-key")
                .put("owner", id)
                .put("publicKeyPem", keys.rsaPublicPem());
        remote.stubFor(get(urlEqualTo(path)).willReturn(okForContentType(AP, document.toString())));
    }

    private ObjectNode group(String name, String markdown, List<String> rules) {
        var id = groupId();
        var document = JSON.createObjectNode()
                .put("id", id)
                .put("type", "Group")
                .put("preferredUsername", "main")
                .put("name", name)
                .put("summary", "<p>rendered</p>")
                .put("inbox", id + "/inbox")
                .put("outbox", id + "/outbox")
                .put("followers", id + "/followers")
                .put("attributedTo", id + "/moderators");
        document.putObject("source").put("content", markdown).put("mediaType", "text/markdown");
        document.putObject("endpoints").put("sharedInbox", origin() + "/inbox");
        document.putObject("publicKey")
                .put("id", id + "#main-key")
                .put("owner", id)
                .put("publicKeyPem", keys.rsaPublicPem());
        var list = document.putArray("rules");
        for (var rule : rules)
            list.addObject().put("type", "Note").put("name", rule).put("content", "<p>About " + rule + ".</p>");
        return document;
    }

    private void serveGroup(JsonNode document) {
        remote.stubFor(get(urlEqualTo("/c/main")).willReturn(okForContentType(AP, document.toString())));
    }

    private long followedCommunity() {
        var followed = api.post("/api/v1/follows", Map.of("community", groupId()), robin);
        assertEquals(200, followed.statusCode(), followed.body());
        return TestServer.json(followed).get("community").get("id").asLong();
    }

    @Test
    void aFollowedCommunityShowsTheTitleGuidelinesAndModeratorsItsOriginPublishes() {
        long id = followedCommunity();
        var community = TestServer.json(api.get("/api/v1/communities/" + id, null));
        assertEquals("Main", community.get("title").asText());
        assertEquals(
                "A place for **everything**.",
                community.get("description").asText(),
                "the Markdown source, not the HTML");
        var rules = TestServer.json(api.get("/api/v1/communities/" + id + "/rules", null));
        assertEquals(2, rules.size(), rules.toString());
        assertEquals(2, rules.get(1).get("number").asInt());
        assertEquals("No spam", rules.get(1).get("title").asText());
        assertEquals("About No spam.", rules.get(1).get("description").asText());
        assertEquals(List.of(origin() + "/u/mod"), moderators(id), "fetched from the Group's moderators collection");
        // Who follows it from here is nobody's business: no count, signed out or in, pending or accepted.
        assertTrue(community.get("follower_count").isNull(), community.toString());
        var listed = TestServer.json(api.get("/api/v1/communities", null));
        for (var entry : listed)
            if (entry.get("id").asLong() == id)
                assertTrue(entry.get("follower_count").isNull(), entry.toString());
        assertTrue(TestServer.json(api.get("/api/v1/communities/" + id, robin))
                .get("follower_count")
                .isNull());

        // A report under one of its rules is taken; a rule it does not have is refused.
        long post = server.app()
                .database()
                .transaction(c -> Sql.insert(c, """
                insert into post (uri, community_id, author_id, local, title, content_html)
                values (?, ?, (select id from actor where uri = ?), false, 'Remote', '<p>x</p>') returning id""", origin() + "/post/1", id, origin() + "/u/other"));
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", post, "category", "rule", "rule", 2), warden)
                        .statusCode());
        assertEquals(
                422,
                api.post("/api/v1/reports", Map.of("post", post, "category", "rule", "rule", 3), warden)
                        .statusCode());
    }

    @Test
    void updateGroupFromTheGroupOrAModeratorChangesItAndFromAnyoneElseIsRefused() throws Exception {
        long id = followedCommunity();

        var fromGroup = update(groupId(), group("Main, renamed", "New words.", List.of("Only this rule")));
        assertEquals("done", receive(fromGroup, groupId()));
        assertEquals(
                "Main, renamed",
                TestServer.json(api.get("/api/v1/communities/" + id, null))
                        .get("title")
                        .asText());
        assertEquals(List.of("Only this rule"), ruleTitles(id));

        // Its moderator's edit (Lemmy's way) is taken for what the community shows, never for its keys or inbox.
        var edited = group("Main, by its moderator", "Edited.", List.of("Be kind", "No spam", "No ads"));
        edited.put("inbox", origin() + "/somewhere-else");
        assertEquals("done", receive(update(origin() + "/u/mod", edited), origin() + "/u/mod"));
        assertEquals(
                "Main, by its moderator",
                TestServer.json(api.get("/api/v1/communities/" + id, null))
                        .get("title")
                        .asText());
        assertEquals(List.of("Be kind", "No spam", "No ads"), ruleTitles(id));
        assertEquals(
                groupId() + "/inbox",
                server.app()
                        .database()
                        .read(c ->
                                Sql.one(c, "select inbox from actor where uri = ?", rs -> rs.getString(1), groupId()))
                        .orElseThrow());
        assertEquals(1L, (long) server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from moderation_log where community_id = ? and action = 'edit_community'",
                        id)));

        // Anyone else, on another server and not in its moderators collection, is refused and the reason kept.
        var stranger = elsewhere() + "/u/stranger";
        var state = receive(update(stranger, group("Hijacked", "Mine now.", List.of())), stranger);
        assertTrue(
                state.startsWith("failed: rejected: ") && state.contains("is not a moderator of " + groupId()), state);
        assertEquals(
                "Main, by its moderator",
                TestServer.json(api.get("/api/v1/communities/" + id, null))
                        .get("title")
                        .asText());
        assertEquals(3, ruleTitles(id).size());
    }

    @Test
    void aRemoteModeratorsEditOfOurCommunityIsAppliedLoggedAndAnnouncedKeepingOurGuidelines() throws Exception {
        long home = api.community(warden, "home");
        var rules = api.send("PUT", "/api/v1/communities/" + home + "/rules", "[{\"title\": \"Be gentle\"}]", warden);
        assertEquals(200, rules.statusCode(), rules.body());
        var added =
                api.post("/api/v1/communities/" + home + "/moderators", Map.of("actor", origin() + "/u/mod"), warden);
        assertEquals(200, added.statusCode(), added.body());

        var ours = TestServer.json(server.get("/c/home", TestServer.ACTIVITY_JSON));
        var lemmyEdit = (ObjectNode) ours.deepCopy();
        lemmyEdit.put("name", "Home, by a remote moderator");
        lemmyEdit.remove("rules");
        lemmyEdit.putObject("source").put("content", "Edited elsewhere.").put("mediaType", "text/markdown");
        assertEquals("done", receive(update(origin() + "/u/mod", lemmyEdit), origin() + "/u/mod"));
        var community = TestServer.json(api.get("/api/v1/communities/" + home, null));
        assertEquals("Home, by a remote moderator", community.get("title").asText());
        assertEquals("Edited elsewhere.", community.get("description").asText());
        assertEquals(List.of("Be gentle"), ruleTitles(home), "Lemmy sends no rules: ours stay");
        assertEquals(
                1L,
                (long) server.app().database().read(c -> Sql.count(c, """
                select count(*) from outbound_activity o join actor a on a.id = o.actor_id
                where a.uri = ? and o.body::jsonb->>'type' = 'Announce' and o.body::jsonb->'object'->>'type' = 'Update'""", server.base() + "/c/home")),
                "the group announces the edit to its followers");

        var stranger = origin() + "/u/other";
        var state = receive(update(stranger, lemmyEdit.deepCopy().put("name", "Taken over")), stranger);
        assertTrue(state.contains("is not a moderator of " + server.base() + "/c/home"), state);
    }

    private List<String> ruleTitles(long communityId) {
        var rules = TestServer.json(api.get("/api/v1/communities/" + communityId + "/rules", null));
        var out = new java.util.ArrayList<String>();
        for (var rule : rules) out.add(rule.get("title").asText());
        return out;
    }

    private List<String> moderators(long communityId) {
        var list = TestServer.json(api.get("/api/v1/communities/" + communityId + "/moderators", null));
        var out = new java.util.ArrayList<String>();
        for (var m : list) out.add(m.asText());
        return out;
    }

    private static int updates;

    private ObjectNode update(String actor, JsonNode group) {
        var update = JSON.createObjectNode()
                .put("id", actor + "/activities/update/" + (++updates))
                .put("type", "Update")
                .put("actor", actor);
        update.set("object", group);
        update.putArray("to").add("https://www.w3.org/ns/activitystreams#Public");
        return update;
    }

    /** Stores an activity as the inbox would have, and applies it; answers "done" or "failed: reason". */
    @Test
    void aNoteItsAuthorKeptToFollowersIsNotStoredWhenAFollowedCommunityAnnouncesIt() throws Exception {
        followedCommunity();
        server.app()
                .database()
                .transaction(c -> Sql.update(
                        c,
                        "update follow set state = 'accepted' where followed_id = (select id from actor where uri = ?)",
                        groupId()));
        var author = origin() + "/u/other";
        var note = JSON.createObjectNode()
                .put("id", origin() + "/comment/kept-to-followers")
                .put("type", "Note")
                .put("attributedTo", author)
                .put("content", "<p>only for the people who follow me</p>")
                .put("audience", groupId());
        note.putArray("to").add(author + "/followers");
        note.putArray("cc").add(groupId());
        var create = JSON.createObjectNode()
                .put("id", origin() + "/activities/create/kept-to-followers")
                .put("type", "Create")
                .put("actor", author);
        create.set("to", note.get("to"));
        create.set("cc", note.get("cc"));
        create.set("object", note);

        // Lemmy's form, Announce{Create}, and the Mastodon-style group's, Announce{Note}: the group's Public is not the
        // author's.
        for (var announced : List.<JsonNode>of(create, note)) {
            var announce = JSON.createObjectNode()
                    .put("id", origin() + "/activities/announce/" + UUID.randomUUID())
                    .put("type", "Announce")
                    .put("actor", groupId());
            announce.putArray("to").add("https://www.w3.org/ns/activitystreams#Public");
            announce.putArray("cc").add(groupId() + "/followers");
            announce.set("object", announced);
            var outcome = receive(announce, groupId());
            assertTrue(
                    outcome.startsWith("failed: rejected: not public: addressed only to people or followers"), outcome);
        }
        assertEquals(0L, (long) server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from post where uri = ?",
                        note.get("id").asText())));
    }

    private String receive(JsonNode activity, String actor) throws Exception {
        var body = JSON.writeValueAsString(activity);
        long rowId = server.app()
                .database()
                .transaction(c -> Sql.insert(
                        c,
                        """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values (?, ?, ?, ?, ?::jsonb, 'cavage') returning id""",
                        activity.get("id").asText(),
                        activity.get("type").asText(),
                        actor,
                        server.base() + "/inbox",
                        body));
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
}
