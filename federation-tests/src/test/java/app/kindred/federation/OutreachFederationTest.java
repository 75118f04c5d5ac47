package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.member.Member;
import app.kindred.notification.Kind;
import app.kindred.outreach.Message;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
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

/**
 * Wellbeing outreach across instances (issue 16). Alice moderates alpha's community and is on duty.
 * A wellbeing concern about bob's post (bob is on beta) reaches her at once; her check-in reaches
 * bob on beta as a private message he reads and answers, and his answer lands with her on alpha.
 * The same for the Fedify peer's tester: the check-in arrives there as a Note addressed to tester
 * alone, and tester's reply, a direct Note, lands with alice. Nothing of it is public anywhere.
 */
class OutreachFederationTest {
    private static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

    static KindredInstance alpha, beta;
    static FedifyPeer fedify;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createMember("ruth");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
        fedify = FedifyPeer.start();
    }

    @AfterAll
    static void stop() {
        if (fedify != null) fedify.close();
        for (var instance : new KindredInstance[] {beta, alpha}) if (instance != null) instance.close();
    }

    private static long peers() {
        return alpha.app().communities().find("peers").orElseThrow().id();
    }

    /** Ruth's wellbeing concern about a post on alpha; alice, on duty, is told at once. */
    private static long concernAbout(URI post) {
        var alice = alpha.member("alice");
        alpha.app().outreach().setOnDuty(alice, peers(), true);
        long postId = alpha.post(post).orElseThrow().id();
        var mine = alpha.app()
                .reports()
                .file(
                        alpha.member("ruth"),
                        new ReportService.Draft(
                                postId, null, Category.WELLBEING, null, "they said goodbye to everyone", false));
        long report = mine.report().id();
        assertTrue(
                alpha.app().notifications().list(alice, null, 100).items().stream()
                        .anyMatch(n -> n.kind() == Kind.CONCERN && n.reportId() == report),
                "alice, on duty, is told at once");
        return report;
    }

    private static List<Message> conversation(KindredInstance on, Member member) {
        var latest = on.app().outreach().conversations(member);
        if (latest.isEmpty()) return List.of();
        return on.app().outreach().conversation(member, latest.getFirst().id()).messages();
    }

    @Test
    void aCheckInReachesAMemberOnAnotherKindredAndTheirAnswerComesBack() throws Exception {
        var bob = beta.member("bob");
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        var thread = beta.app()
                .threads()
                .startThread(
                        bob,
                        beta.communityId(alpha.baseUrl() + "/c/peers"),
                        new ThreadService.Draft("Goodbye", "Thank you all for everything.", null, null, null));
        eventually(() -> assertTrue(alpha.post(thread.uri()).isPresent()));
        long report = concernAbout(thread.uri());
        var alice = alpha.member("alice");

        var sent = alpha.app().outreach().checkIn(alice, report, "Hi bob, I read your post. How are you tonight?");
        eventually(() -> {
            var onBeta = conversation(beta, bob);
            assertEquals(1, onBeta.size(), onBeta.toString());
            assertTrue(onBeta.getFirst().contentHtml().contains("How are you tonight?"));
            assertTrue(onBeta.getFirst().fromModerator());
            assertEquals(alice.actor().uri(), onBeta.getFirst().moderator());
        });
        assertTrue(beta.app().notifications().list(bob, null, 100).items().stream()
                .anyMatch(n -> n.kind() == Kind.CHECK_IN));

        var received = conversation(beta, bob).getFirst();
        beta.app().outreach().reply(bob, received.id(), "Thank you. Not great, but talking helps.");
        eventually(() -> {
            var onAlpha = alpha.app().outreach().conversation(alice, sent.id()).messages();
            assertEquals(2, onAlpha.size(), onAlpha.toString());
            assertFalse(onAlpha.get(1).fromModerator());
            assertTrue(onAlpha.get(1).contentHtml().contains("talking helps"));
        });
        assertTrue(alpha.app().notifications().list(alice, null, 100).items().stream()
                .anyMatch(n -> n.kind() == Kind.CHECK_IN));

        // Private on both sides: no post, nothing announced.
        for (var on : List.of(alpha, beta)) {
            assertEquals(
                    0,
                    on.count("select count(*) from post where content_html like '%talking helps%'"
                            + " or content_html like '%How are you tonight%'"));
            assertEquals(
                    0,
                    on.count(
                            "select count(*) from outbound_activity where body like '%talking helps%'"
                                    + " and body like ?",
                            "%" + PUBLIC + "%"));
        }
    }

    @Test
    void aCheckInReachesTheFedifyPeerAsADirectNoteAndItsReplyComesBack() throws Exception {
        var group = alpha.baseUrl() + "/c/peers";
        var tester = "http://" + fedify.domain() + "/users/tester";
        var noteId = "http://" + fedify.domain() + "/notes/tired";
        var note = Map.of(
                "type",
                "Note",
                "id",
                noteId,
                "attributedTo",
                tester,
                "content",
                "<p><span class=\"h-card\"><a href=\"" + group
                        + "\" class=\"u-url mention\">@<span>peers</span></a></span> So tired of all of it.</p>",
                "to",
                List.of(PUBLIC),
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
                List.of(PUBLIC),
                "cc",
                List.of(group));
        var posted = fedify.post(
                "/control/send",
                Map.of("to", alpha.baseUrl() + "/c/peers/inbox", "recipient", group, "activity", create));
        assertEquals(200, posted.get("httpStatus").asInt(), posted.toString());
        eventually(() -> assertTrue(alpha.post(URI.create(noteId)).isPresent()));
        long report = concernAbout(URI.create(noteId));
        var alice = alpha.member("alice");
        var sent = alpha.app().outreach().checkIn(alice, report, "Hello, I saw your post and wanted to check in.");

        var arrived = new ArrayList<JsonNode>();
        eventually(() -> {
            arrived.clear();
            for (var a : fedify.get("/control/inbox").get("body")) {
                if (a.path("type").asText().equals("Create")
                        && a.path("activity")
                                .path("object")
                                .path("id")
                                .asText()
                                .equals(sent.uri().toString())) arrived.add(a);
            }
            assertEquals(1, arrived.size());
        });
        var delivered = arrived.getFirst();
        assertTrue(delivered.get("verified").asBoolean(), "Fedify verified our signature: " + delivered);
        var object = delivered.get("activity").get("object");
        assertEquals("Note", object.get("type").asText());
        assertEquals(tester, first(object.get("to")), object.toString());
        assertFalse(delivered.get("activity").toString().contains(PUBLIC), "addressed to tester alone");
        assertTrue(object.get("content").asText().contains("wanted to check in"));
        assertTrue(object.get("tag").toString().contains(tester), "a Mention of tester: " + object);

        // Tester answers as Mastodon does: a direct Note replying to the check-in, to alice alone.
        var aliceUri = alice.actor().uri().toString();
        var replyId = "http://" + fedify.domain() + "/notes/reply-1";
        var reply = Map.of(
                "type",
                "Note",
                "id",
                replyId,
                "attributedTo",
                tester,
                "inReplyTo",
                sent.uri().toString(),
                "content",
                "<p>Thank you for asking. I will be ok.</p>",
                "to",
                List.of(aliceUri),
                "tag",
                List.of(Map.of("type", "Mention", "href", aliceUri, "name", "@alice@" + alpha.domain())));
        var answer = Map.of(
                "@context",
                "https://www.w3.org/ns/activitystreams",
                "id",
                replyId + "/activity",
                "type",
                "Create",
                "actor",
                tester,
                "object",
                reply,
                "to",
                List.of(aliceUri));
        var replied = fedify.post(
                "/control/send",
                Map.of("to", alpha.baseUrl() + "/u/alice/inbox", "recipient", aliceUri, "activity", answer));
        assertEquals(200, replied.get("httpStatus").asInt(), replied.toString());
        eventually(() -> {
            var onAlpha = alpha.app().outreach().conversation(alice, sent.id()).messages();
            assertEquals(2, onAlpha.size(), onAlpha.toString());
            assertEquals(URI.create(tester), onAlpha.get(1).person());
            assertTrue(onAlpha.get(1).contentHtml().contains("I will be ok"));
        });
        assertEquals(
                0,
                alpha.count("select count(*) from post where uri = ?", replyId),
                "the answer is a private message, never a post");
        assertTrue(alpha.app()
                .database()
                .read(c -> new PostStore().findByUri(c, URI.create(replyId)))
                .isEmpty());
    }

    private static String first(JsonNode node) {
        return node.isArray() ? node.get(0).asText() : node.asText();
    }
}
