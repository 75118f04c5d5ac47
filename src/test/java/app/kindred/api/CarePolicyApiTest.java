package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The content-warning policy, pre-moderation and crisis resources through the API door (issue 16):
 * our member's post that breaks the policy is refused with the warning to add and nothing stored
 * or sent; held posts wait; the settings are validated, moderators' alone, and published on the Group.
 */
class CarePolicyApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String mod;
    private static String member;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        mod = api.member("maya");
        member = api.member("theo");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long communityWithPolicy(String name, String policy) {
        long id = api.community(mod, name);
        var set = api.patch("/api/v1/communities/" + id, "{\"content_warning_policy\": " + policy + "}", mod);
        assertEquals(200, set.statusCode(), set.body());
        return id;
    }

    private static java.net.http.HttpResponse<String> thread(long community, Map<String, String> draft) {
        return api.post("/api/v1/communities/" + community + "/threads", draft, member);
    }

    @Test
    void aThreadThatTouchesATopicWithoutNamingItIsRefusedWithTheWarningToAdd() {
        long id = communityWithPolicy(
                "topics", "{\"mode\": \"topics\", \"topics\": [{\"name\": \"self-harm\", \"words\": [\"cutting\"]}]}");
        long before = api.count("select count(*) from post");
        var refused = thread(id, Map.of("title", "Hard night", "body", "I thought about Cutting again."));
        var problem = assertProblem(refused, 422, "content_warning");
        assertTrue(problem.path("detail").asText().contains("self-harm"), refused.body());
        assertEquals(before, api.count("select count(*) from post"), "nothing stored");
        assertEquals(0, api.count("select count(*) from outbound_activity where body like '%Hard night%'"));

        // "cuttings" is another word: whole words only.
        assertEquals(
                201,
                thread(id, Map.of("title", "Garden", "body", "Rose cuttings took root."))
                        .statusCode());
        var warned = thread(
                id,
                Map.of(
                        "title",
                        "Hard night",
                        "body",
                        "I thought about cutting again.",
                        "content_warning",
                        "Self-harm"));
        assertEquals(201, warned.statusCode(), warned.body());
        assertFalse(body(warned).path("held").asBoolean());

        // An edit that takes the warning away is refused too, and the post keeps its warning.
        long postId = body(warned).get("id").asLong();
        var edit = api.patch(
                "/api/v1/posts/" + postId,
                Map.of("body", "I thought about cutting again.", "content_warning", ""),
                member);
        assertProblem(edit, 422, "content_warning");
        assertEquals(
                "Self-harm",
                body(api.get("/api/v1/posts/" + postId, null))
                        .path("content_warning")
                        .asText());
    }

    @Test
    void modeAllAsksEveryThreadForAWarningButNotComments() {
        long id = communityWithPolicy("everything", "{\"mode\": \"all\"}");
        assertProblem(thread(id, Map.of("title", "Hello", "body", "hi")), 422, "content_warning");
        var ok = thread(id, Map.of("title", "Hello", "body", "hi", "content_warning", "introductions"));
        assertEquals(201, ok.statusCode(), ok.body());
        var comment =
                api.post("/api/v1/posts/" + body(ok).get("id").asLong() + "/comments", Map.of("body", "welcome"), mod);
        assertEquals(201, comment.statusCode(), comment.body());
    }

    @Test
    void aPolicyOrHoldSettingThatCannotBeReadIsRefusedAndOnlyModeratorsSetThem() {
        long id = api.community(mod, "settings");
        assertProblem(
                api.patch("/api/v1/communities/" + id, "{\"content_warning_policy\": {\"mode\": \"some\"}}", mod),
                422,
                "content_warning_policy");
        assertProblem(
                api.patch("/api/v1/communities/" + id, "{\"content_warning_policy\": {\"mode\": \"topics\"}}", mod),
                422,
                "content_warning_policy");
        assertProblem(
                api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "sometimes"), mod), 422, "hold_posts");
        assertProblem(
                api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "all", "hold_first_posts", 0), mod),
                422,
                "hold_first_posts");
        var byMember = api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "all"), member);
        assertEquals(403, byMember.statusCode(), byMember.body());
        var care = body(api.get("/api/v1/communities/" + id + "/care", null));
        assertEquals("none", care.path("hold_posts").asText());
        assertEquals("none", care.path("content_warning_policy").path("mode").asText());
    }

    @Test
    void theFirstPostsOfANewMemberWaitThenTheirPostsGoOut() {
        long id = api.community(mod, "newcomers");
        var set =
                api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "new_members", "hold_first_posts", 2), mod);
        assertEquals(200, set.statusCode(), set.body());
        var first = body(thread(id, Map.of("title", "One", "body", "first")));
        assertTrue(first.path("held").asBoolean(), first.toString());
        assertTrue(first.path("held_reason").asText().contains("first 2"), first.toString());
        // Until one is approved the member is still new.
        var second = body(thread(id, Map.of("title", "Two", "body", "second")));
        assertTrue(second.path("held").asBoolean());
        assertEquals(
                200,
                api.post("/api/v1/posts/" + first.get("id").asLong() + "/approve", Map.of(), mod)
                        .statusCode());
        assertEquals(
                200,
                api.post("/api/v1/posts/" + second.get("id").asLong() + "/approve", Map.of(), mod)
                        .statusCode());
        var third = body(thread(id, Map.of("title", "Three", "body", "third")));
        assertFalse(third.path("held").asBoolean(), third.toString());
        // Moderators' own posts never wait.
        var modPost =
                body(api.post("/api/v1/communities/" + id + "/threads", Map.of("title", "Mods", "body", "hi"), mod));
        assertFalse(modPost.path("held").asBoolean());
        // "remote" holds nobody from here.
        api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "remote"), mod);
        assertFalse(body(thread(id, Map.of("title", "Four", "body", "x")))
                .path("held")
                .asBoolean());
    }

    @Test
    void refusingAHeldPostTellsItsAuthorWhyAndSendsNothing() {
        long id = api.community(mod, "waiting");
        api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "all"), mod);
        var held = body(thread(id, Map.of("title", "Please read", "body", "my words")));
        assertTrue(held.path("held").asBoolean());
        long before = api.count("select count(*) from outbound_activity");
        var removed = api.post(
                "/api/v1/posts/" + held.get("id").asLong() + "/removal",
                Map.of("reason", "This belongs in the weekly thread"),
                mod);
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(before, api.count("select count(*) from outbound_activity"));
        var notifications = api.get("/api/v1/me/notifications", member).body();
        assertTrue(notifications.contains("post_declined"), notifications);
        assertTrue(notifications.contains("This belongs in the weekly thread"), notifications);
    }

    @Test
    void nothingDoneToAHeldPostIsToldToTheFediverse() {
        long id = api.community(mod, "quietly");
        api.patch("/api/v1/communities/" + id, Map.of("hold_posts", "all"), mod);
        var held = body(thread(id, Map.of("title", "Unsent", "body", "words")));
        long postId = held.get("id").asLong();
        long before = api.count("select count(*) from outbound_activity");
        assertEquals(
                0,
                body(api.get("/api/v1/communities/" + id, null))
                        .path("thread_count")
                        .asLong(),
                "a held thread is not counted");
        assertProblem(api.post("/api/v1/posts/" + postId + "/pin", Map.of(), mod), 409, "post");
        assertProblem(api.post("/api/v1/posts/" + postId + "/lock", Map.of(), mod), 409, "post");
        assertEquals(
                200,
                api.post("/api/v1/posts/" + postId + "/removal", Map.of("reason", "no"), mod)
                        .statusCode());
        assertEquals(
                200, api.delete("/api/v1/posts/" + postId + "/removal", mod).statusCode());
        assertTrue(body(api.get("/api/v1/posts/" + postId, mod)).path("held").asBoolean(), "back in the queue");
        assertEquals(204, api.delete("/api/v1/posts/" + postId, member).statusCode());
        assertEquals(before, api.count("select count(*) from outbound_activity"), "nothing went out");
    }

    @Test
    void thePolicyAndCrisisResourcesArePublishedOnTheGroup() {
        long id = communityWithPolicy(
                "published", "{\"mode\": \"topics\", \"topics\": [{\"name\": \"abuse\", \"words\": [\"hit me\"]}]}");
        var put = api.send("PUT", "/api/v1/communities/" + id + "/crisis_resources", """
                {"resources": [{"name": "Samaritans", "contact": "116 123", "hours": "24/7", "region": "UK",
                                "language": "en"}]}""", mod);
        assertEquals(200, put.statusCode(), put.body());
        var group = server.activityJson("/c/published");
        assertEquals("topics", group.path("contentWarningPolicy").path("mode").asText(), group.toString());
        assertEquals(
                "hit me",
                group.path("contentWarningPolicy")
                        .path("topics")
                        .get(0)
                        .path("words")
                        .get(0)
                        .asText());
        assertEquals(
                "116 123", group.path("crisisResources").get(0).path("contact").asText(), group.toString());
        var context = group.path("@context").toString();
        assertTrue(context.contains("kindred:contentWarningPolicy"), context);
        assertTrue(context.contains("kindred:crisisResources"), context);
        var listed = body(api.get("/api/v1/communities/" + id + "/crisis_resources", null));
        assertEquals("Samaritans", listed.path("resources").get(0).path("name").asText());
        var byMember =
                api.send("PUT", "/api/v1/communities/" + id + "/crisis_resources", "{\"resources\": []}", member);
        assertEquals(403, byMember.statusCode());
    }

    @Test
    void onlyAdminsSetTheInstancesCrisisResourcesAndEachNeedsAWayToReachIt() {
        server.app().members().create("ada", ApiClient.PASSWORD, Role.ADMIN);
        var admin = api.logIn("ada");
        var resources = """
                {"resources": [{"name": "Crisis Text Line", "contact": "Text HOME to 741741", "hours": "24/7",
                                "region": "US", "language": "en"}]}""";
        assertEquals(
                403,
                api.send("PUT", "/api/v1/instance/crisis_resources", resources, member)
                        .statusCode());
        assertProblem(
                api.send("PUT", "/api/v1/instance/crisis_resources", "{\"resources\": [{\"name\": \"x\"}]}", admin),
                422,
                "resources");
        var put = api.send("PUT", "/api/v1/instance/crisis_resources", resources, admin);
        assertEquals(200, put.statusCode(), put.body());
        var shown = body(api.get("/api/v1/instance/crisis_resources", null));
        assertEquals(
                List.of("Crisis Text Line", "Text HOME to 741741", "24/7", "US", "en"),
                List.of(
                        shown.path("resources").get(0).path("name").asText(),
                        shown.path("resources").get(0).path("contact").asText(),
                        shown.path("resources").get(0).path("hours").asText(),
                        shown.path("resources").get(0).path("region").asText(),
                        shown.path("resources").get(0).path("language").asText()));
    }
}
