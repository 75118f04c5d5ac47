package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: an admin on alpha suspends a member; beta, which shows her posts, is told by an
 * Update{Person} whose actor says {@code suspended: true}, and hides her there too; lifting the
 * suspension sends the actor again without the flag, and beta shows her again.
 */
class SuspensionFederationTest {
    static KindredInstance alpha, beta;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createMember("root");
        alpha.app().members().makeAdmin("root");
        alpha.createCommunity("gardens", "Gardens", "root");
        beta.createMember("bob");
    }

    @AfterAll
    static void stop() {
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    @Test
    void aSuspensionReachesTheOtherInstanceAndItsLiftingClearsIt() throws Exception {
        var alice = alpha.member("alice");
        var bob = beta.member("bob");
        beta.app().follows().follow(bob, "!" + alpha.handle("gardens"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alpha.app().communities().find("gardens").orElseThrow().id(),
                        new ThreadService.Draft("Seedlings", "They came up", null, null, null));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent(), "beta has the thread"));
        var onBeta = beta.post(thread.uri()).orElseThrow();
        assertTrue(listed(onBeta.communityId(), "Seedlings"), "listed on beta before");

        alpha.app().accounts().suspend(alpha.member("root"), "alice", "spam, three reports");

        // Alpha's own actor document says so, in Mastodon's words, and keeps nothing of the profile.
        var actor = new ObjectMapper()
                .readTree(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(alice.actor().uri())
                                        .header("Accept", "application/activity+json")
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
        assertTrue(actor.path("suspended").asBoolean(), actor.toString());
        assertFalse(actor.has("icon"), "no picture while suspended");
        // Beta hears it by the Update{Person}: she is suspended there by her origin's word, her post hidden.
        eventually(() -> assertEquals("remote", suspensionOrigin(onBeta.authorId())));
        assertFalse(listed(onBeta.communityId(), "Seedlings"), "hidden from beta's listing while suspended");

        // Nothing new is taken from her while her server says she is suspended, even if it sent something:
        // here alpha forgets its own suspension for a moment (as a server with a bug might) and she posts.
        alpha.app()
                .database()
                .transaction(c -> Sql.update(
                        c,
                        "update actor set suspended_at = null where id = ?",
                        alice.actor().id()));
        var late = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alpha.app().communities().find("gardens").orElseThrow().id(),
                        new ThreadService.Draft("Still here", "words", null, null, null));
        // The community relays it to beta twice (Announce{activity} and Announce{object}): each is refused,
        // and how many have been by the time we look depends on timing, so wait for beta to finish them all.
        eventually(() -> assertTrue(beta.count(
                        "select count(*) from inbound_activity where state = 'failed' and last_error like ?",
                        "%is suspended%")
                >= 1));
        eventually(() -> assertEquals(0L, beta.count("select count(*) from inbound_activity where state = 'pending'")));
        assertTrue(beta.post(late.uri()).isEmpty(), "beta did not take it");
        alpha.app()
                .database()
                .transaction(c -> Sql.update(
                        c,
                        "update actor set suspended_at = now() where id = ?",
                        alice.actor().id()));

        alpha.app().accounts().unsuspend(alpha.member("root"), "alice", "appeal heard");

        eventually(() -> assertEquals(
                0L,
                beta.count("select count(*) from actor where id = ? and suspended_at is not null", onBeta.authorId())));
        assertNull(suspensionOrigin(onBeta.authorId()));
        assertTrue(listed(onBeta.communityId(), "Seedlings"), "listed again once lifted");
    }

    private static String suspensionOrigin(long actorId) {
        return beta.app()
                .database()
                .read(c ->
                        Sql.one(c, "select suspension_origin from actor where id = ?", rs -> rs.getString(1), actorId))
                .orElse(null);
    }

    /** Whether beta's API lists a thread with this title in the community (as anyone reads it). */
    private static boolean listed(long communityId, String title) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(beta.baseUrl() + "/api/v1/communities/" + communityId + "/threads"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body().contains(title);
    }
}
