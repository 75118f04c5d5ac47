package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Fedify server follows a Kindred community, reads what it announces, and starts a thread the Mastodon way. */
class FedifyCommunityFederationTest {
    static KindredInstance alpha, beta;
    static FedifyPeer fedify;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
        fedify = FedifyPeer.start();
    }

    @AfterAll
    static void stop() {
        if (fedify != null) fedify.close();
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    private static List<JsonNode> peerInbox() throws Exception {
        var list = new ArrayList<JsonNode>();
        fedify.get("/control/inbox").get("body").forEach(list::add);
        return list;
    }

    @Test
    void fedifyFollowsReceivesBothAnnounceFormsAndPostsAMastodonStyleThread() throws Exception {
        var group = alpha.baseUrl() + "/c/peers";
        var follow = fedify.post("/control/follow", Map.of("target", group, "signature", "default"));
        assertEquals(200, follow.get("httpStatus").asInt(), follow.toString());
        // The Accept comes back signed by the group, embedding the peer's Follow with its own id.
        var followId = follow.get("body").get("id").asText();
        eventually(() -> assertTrue(
                peerInbox().stream()
                        .anyMatch(a -> a.get("type").asText().equals("Accept")
                                && a.get("verified").asBoolean()
                                && a.get("activity")
                                        .get("object")
                                        .get("id")
                                        .asText()
                                        .equals(followId)),
                peerInbox().toString()));

        // Another follower: a member of beta.
        var bob = beta.member("bob");
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));

        // Alice posts on alpha: the peer receives Announce{Create{Page}} and Announce{Page}, both verified.
        long communityId = alpha.app().communities().find("peers").orElseThrow().id();
        var thread = alpha.app()
                .threads()
                .startThread(
                        alpha.member("alice"),
                        communityId,
                        new ThreadService.Draft("Welcome", "Be kind to each other.", null, null, null));
        eventually(() -> {
            var announces = peerInbox().stream()
                    .filter(a -> a.get("type").asText().equals("Announce"))
                    .toList();
            assertTrue(announces.stream().allMatch(a -> a.get("verified").asBoolean()), announces.toString());
            assertTrue(
                    announces.stream()
                            .anyMatch(a -> a.get("activity")
                                            .get("object")
                                            .path("type")
                                            .asText()
                                            .equals("Create")
                                    && a.get("activity")
                                            .get("object")
                                            .get("object")
                                            .get("id")
                                            .asText()
                                            .equals(thread.uri().toString())),
                    announces.toString());
            assertTrue(
                    announces.stream()
                            .anyMatch(a -> a.get("activity")
                                            .get("object")
                                            .path("type")
                                            .asText()
                                            .equals("Page")
                                    && a.get("activity")
                                            .get("object")
                                            .get("id")
                                            .asText()
                                            .equals(thread.uri().toString())),
                    announces.toString());
        });

        // The peer starts a thread as Mastodon does: a Note that mentions the group.
        var tester = "http://" + fedify.domain() + "/users/tester";
        var noteId = "http://" + fedify.domain() + "/notes/first";
        var note = Map.of(
                "type",
                "Note",
                "id",
                noteId,
                "attributedTo",
                tester,
                "content",
                "<p><span class=\"h-card\"><a href=\"" + group
                        + "\" class=\"u-url mention\">@<span>peers</span></a></span>"
                        + " Does anyone else find mornings hard?</p><p>I do, most days.</p><script>alert(1)</script>",
                "to",
                List.of("https://www.w3.org/ns/activitystreams#Public"),
                "cc",
                List.of(group),
                "tag",
                List.of(Map.of("type", "Mention", "href", group, "name", "@peers@" + alpha.domain())));
        var create = Map.of(
                "@context",
                "https://www.w3.org/ns/activitystreams",
                "id",
                noteId + "/activity",
                "type",
                "Create",
                "actor",
                tester,
                "object",
                note,
                "to",
                List.of("https://www.w3.org/ns/activitystreams#Public"),
                "cc",
                List.of(group));
        var sent = fedify.post(
                "/control/send",
                Map.of("to", alpha.baseUrl() + "/c/peers/inbox", "recipient", group, "activity", create));
        assertEquals(200, sent.get("httpStatus").asInt(), sent.toString());

        eventually(() -> {
            var onAlpha = alpha.app()
                    .database()
                    .read(c -> new PostStore().findByUri(c, URI.create(noteId)))
                    .orElseThrow();
            assertEquals(
                    "Does anyone else find mornings hard?",
                    onAlpha.title(),
                    "title from the first line, mention left out");
            assertFalse(onAlpha.contentHtml().contains("<script"), onAlpha.contentHtml());
            assertEquals(communityId, onAlpha.communityId());
        });
        // ...and the community announces it to its other follower, on beta.
        eventually(() -> assertTrue(beta.app()
                .database()
                .read(c -> new PostStore().findByUri(c, URI.create(noteId)))
                .isPresent()));
    }
}
