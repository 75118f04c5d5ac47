package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moderation across three instances: alpha hosts the community, a member of beta is made its
 * moderator, a member of gamma posts. Beta's moderator removes gamma's thread and bans its author;
 * alpha refuses the banned member's next post, and beta and gamma show the removal and the ban. A
 * locked thread refuses gamma's comment. A thread pinned by beta's moderator shows pinned on every
 * instance, and first in gamma's listing, until alpha's moderator unpins it.
 */
class ModerationFederationTest {
    static KindredInstance alpha, beta, gamma;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        gamma = KindredInstance.start("gamma");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bea");
        gamma.createMember("gus");
    }

    @AfterAll
    static void stop() {
        for (var i : new KindredInstance[] {gamma, beta, alpha}) if (i != null) i.close();
    }

    @Test
    void aRemoteModeratorRemovesAndBansAndEveryInstanceAgrees() throws Exception {
        var alice = alpha.member("alice");
        var bea = beta.member("bea");
        var gus = gamma.member("gus");
        var groupUri = alpha.baseUrl() + "/c/peers";
        long onAlpha = alpha.communityId(groupUri);

        beta.app().follows().follow(bea, "!" + alpha.handle("peers"));
        gamma.app().follows().follow(gus, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bea).getFirst().state()));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                gamma.app().follows().subscriptions(gus).getFirst().state()));
        long onBeta = beta.communityId(groupUri), onGamma = gamma.communityId(groupUri);

        // Alice makes bea (of beta) a moderator; the Add reaches beta and gamma through the group.
        alpha.app().moderation().addModerator(alice, onAlpha, bea.actor().uri().toString());
        var beaUri = bea.actor().uri().toString();
        eventually(() -> assertTrue(beta.app().moderation().moderators(onBeta).contains(beaUri)));
        eventually(() -> assertTrue(gamma.app().moderation().moderators(onGamma).contains(beaUri)));

        // Gus posts from gamma; it reaches beta through alpha.
        var thread = gamma.app()
                .threads()
                .startThread(gus, onGamma, new ThreadService.Draft("Buy my pills", "spam", null, null, null));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent()));
        eventually(() -> assertTrue(alpha.post(thread.uri()).isPresent()));

        // Bea removes it from beta and bans gus.
        var threadOnBeta = beta.post(thread.uri()).orElseThrow();
        beta.app().moderation().remove(bea, threadOnBeta.id(), "rule 1: no selling");
        beta.app()
                .moderation()
                .ban(
                        bea,
                        onBeta,
                        new ModerationService.BanRequest(gus.actor().uri().toString(), "spam", null, false));

        eventually(() -> assertTrue(alpha.post(thread.uri()).orElseThrow().removed()));
        eventually(() -> assertTrue(gamma.post(thread.uri()).orElseThrow().removed()));
        assertEquals(
                "rule 1: no selling", gamma.post(thread.uri()).orElseThrow().removalReason());
        eventually(() ->
                assertEquals(1, alpha.count("select count(*) from community_ban where community_id = ?", onAlpha)));
        eventually(() ->
                assertEquals(1, gamma.count("select count(*) from community_ban where community_id = ?", onGamma)));
        // Gamma shows its member the ban and the log entry, with the reason.
        eventually(() -> assertTrue(gamma.app().moderation().bannedFrom(gus).contains(onGamma)));
        var gammaLog = gamma.app().moderation().log(null, onGamma);
        assertTrue(
                gammaLog.stream()
                        .anyMatch(e -> e.action() == app.kindred.moderation.ModerationLog.Action.BAN
                                && e.target().equals(gus.actor().uri().toString())
                                && e.reason().equals("spam")),
                gammaLog.toString());
        assertTrue(beta.app().moderation().log(bea, onBeta).stream()
                .anyMatch(e -> e.action() == app.kindred.moderation.ModerationLog.Action.REMOVE_POST));

        // Gamma itself refuses gus's next post there; a post sent anyway is refused by alpha.
        var refused = assertThrows(
                Refusal.class,
                () -> gamma.app()
                        .threads()
                        .startThread(gus, onGamma, new ThreadService.Draft("again", "spam", null, null, null)));
        assertEquals(Refusal.Kind.FORBIDDEN, refused.kind());
        gamma.app().database().transaction(c -> Sql.update(c, "delete from community_ban"));
        var sneaked = gamma.app()
                .threads()
                .startThread(gus, onGamma, new ThreadService.Draft("sneaked", "spam", null, null, null));
        eventually(() -> assertTrue(alpha.count(
                        "select count(*) from inbound_activity where state = 'failed' and last_error like ?",
                        "%banned%")
                > 0));
        assertTrue(alpha.post(sneaked.uri()).isEmpty());

        // A locked thread refuses gamma's comment: alpha rejects it.
        gamma.createMember("gwen");
        var gwen = gamma.member("gwen");
        gamma.app().follows().follow(gwen, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                gamma.app().follows().subscriptions(gwen).getFirst().state()));
        var calm = alpha.app()
                .threads()
                .startThread(alice, onAlpha, new ThreadService.Draft("Calm thread", "hello", null, null, null));
        eventually(() -> assertTrue(gamma.post(calm.uri()).isPresent()));
        alpha.app().moderation().lock(alice, calm.id(), "cooling off", true);
        eventually(() -> assertTrue(gamma.post(calm.uri()).orElseThrow().locked()));
        var onGammaCalm = gamma.post(calm.uri()).orElseThrow();
        var locked = assertThrows(
                Refusal.class,
                () -> gamma.app()
                        .threads()
                        .comment(gwen, onGammaCalm.id(), new ThreadService.Draft(null, "me too", null, null, null)));
        assertEquals(Refusal.Kind.CONFLICT, locked.kind());
        // Sent anyway (gamma had not heard of the lock): alpha refuses it with a logged reason.
        gamma.app()
                .database()
                .transaction(c -> Sql.update(c, "update post set locked_at = null where id = ?", onGammaCalm.id()));
        var late = gamma.app()
                .threads()
                .comment(gwen, onGammaCalm.id(), new ThreadService.Draft(null, "me too", null, null, null));
        eventually(() -> assertTrue(alpha.count(
                        "select count(*) from inbound_activity where state = 'failed' and last_error like ?",
                        "%locked thread%")
                > 0));
        assertTrue(alpha.post(late.uri()).isEmpty());
    }

    /** A community's threads, newest first, as the instance's public API serves them. */
    private static com.fasterxml.jackson.databind.JsonNode threads(KindredInstance on, long communityId)
            throws Exception {
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(URI.create(
                                        on.baseUrl() + "/api/v1/communities/" + communityId + "/threads?sort=new"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .get("threads");
    }

    @Test
    void aRemoteModeratorPinsAThreadAndEveryInstanceShowsItFirstUntilUnpinned() throws Exception {
        alpha.createCommunity("notices", "Notices", "alice");
        var alice = alpha.member("alice");
        beta.createMember("bruno");
        gamma.createMember("gina");
        var bruno = beta.member("bruno");
        var gina = gamma.member("gina");
        var groupUri = alpha.baseUrl() + "/c/notices";
        long onAlpha = alpha.communityId(groupUri);
        beta.app().follows().follow(bruno, "!" + alpha.handle("notices"));
        gamma.app().follows().follow(gina, "!" + alpha.handle("notices"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bruno).getFirst().state()));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                gamma.app().follows().subscriptions(gina).getFirst().state()));
        long onBeta = beta.communityId(groupUri), onGamma = gamma.communityId(groupUri);
        alpha.app()
                .moderation()
                .addModerator(alice, onAlpha, bruno.actor().uri().toString());
        eventually(() -> assertTrue(beta.app()
                .moderation()
                .moderators(onBeta)
                .contains(bruno.actor().uri().toString())));

        var rules = alpha.app()
                .threads()
                .startThread(alice, onAlpha, new ThreadService.Draft("House rules", "be kind", null, null, null));
        var later = gamma.app()
                .threads()
                .startThread(gina, onGamma, new ThreadService.Draft("Hello all", "hi", null, null, null));
        for (var on : new KindredInstance[] {alpha, beta, gamma}) {
            eventually(() -> assertTrue(
                    on.post(rules.uri()).isPresent() && on.post(later.uri()).isPresent(), on.name()));
        }
        assertEquals(
                later.uri().toString(),
                threads(gamma, onGamma).get(0).get("ap_id").asText(),
                "newest first before the pin");

        // Bruno pins alice's thread from beta: an Add to alpha's featured collection, announced to gamma.
        beta.app().moderation().pin(bruno, beta.post(rules.uri()).orElseThrow().id(), null, true);
        for (var on : new KindredInstance[] {alpha, beta, gamma}) {
            eventually(() -> assertTrue(on.post(rules.uri()).orElseThrow().pinned(), on.name()));
        }
        var gammaThreads = threads(gamma, onGamma);
        assertEquals(rules.uri().toString(), gammaThreads.get(0).get("ap_id").asText(), gammaThreads.toString());
        assertTrue(gammaThreads.get(0).get("pinned").asBoolean());
        assertFalse(gammaThreads.get(1).get("pinned").asBoolean());
        assertTrue(gamma.app().moderation().log(null, onGamma).stream()
                .anyMatch(e -> e.action() == app.kindred.moderation.ModerationLog.Action.PIN_THREAD
                        && e.target().equals(rules.uri().toString())));
        var featured = alpha.app()
                .database()
                .read(c -> Sql.count(
                        c, "select count(*) from post where community_id = ? and pinned_at is not null", onAlpha));
        assertEquals(1, featured);

        // Alice unpins it on alpha: a Remove, and every instance agrees.
        alpha.app().moderation().pin(alice, rules.id(), "done", false);
        for (var on : new KindredInstance[] {alpha, beta, gamma}) {
            eventually(() -> assertFalse(on.post(rules.uri()).orElseThrow().pinned(), on.name()));
        }
        assertEquals(
                later.uri().toString(),
                threads(gamma, onGamma).get(0).get("ap_id").asText());
        assertTrue(beta.app().moderation().log(bruno, onBeta).stream()
                .anyMatch(e -> e.action() == app.kindred.moderation.ModerationLog.Action.UNPIN_THREAD));
    }
}
