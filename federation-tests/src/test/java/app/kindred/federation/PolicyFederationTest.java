package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.actor.DomainPattern;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.member.Member;
import app.kindred.policy.DomainBlock;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Federation policy across real instances on different ports of 127.0.0.1, where a block of
 * 127.0.0.1:PORT is a block of one instance: an instance suspends another and unblocks it, an
 * instance in allowlist mode federates with the listed one only, and a community shuts out one
 * instance while the others keep posting.
 */
class PolicyFederationTest {
    static KindredInstance alpha, beta, gamma;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        gamma = KindredInstance.start("gamma");
        alpha.createMember("alice");
    }

    @AfterAll
    static void stop() {
        for (var i : new KindredInstance[] {gamma, beta, alpha}) if (i != null) i.close();
    }

    /** A scenario that fails part-way leaves no block behind for the next. */
    @AfterEach
    void unblockAll() {
        for (var b : alpha.app().policyService().list())
            alpha.app().policyService().unblock(b.domain(), "admin", "cleanup");
    }

    /** Follows of a community on `on` by actors of another instance. */
    private static long followsFrom(KindredInstance on, long communityId, KindredInstance from) {
        return on.count("""
                select count(*) from follow f join actor a on a.id = f.follower_id join community c on c.actor_id = f.followed_id
                where c.id = ? and a.domain = ?""", communityId, from.domain());
    }

    private static boolean hasFollow(KindredInstance on, long communityId, Member remoteMember) {
        return on.count("""
                select count(*) from follow f join actor a on a.id = f.follower_id join community c on c.actor_id = f.followed_id
                where c.id = ? and a.uri = ? and f.state = 'accepted'""", communityId, remoteMember.actor().uri().toString()) == 1;
    }

    private static List<String> titles(KindredInstance on, long communityId) {
        return on.app().threads().threads(communityId, PostStore.Sort.NEW, 100, 0).stream()
                .map(Post::title)
                .toList();
    }

    private static boolean stored(KindredInstance on, URI postUri) {
        return on.app()
                .database()
                .read(c -> new PostStore().findByUri(c, postUri))
                .isPresent();
    }

    /** The HTTP status `from` last got delivering the activity that carries this object to `to`. */
    private static Integer lastStatus(KindredInstance from, KindredInstance to, String objectUri) {
        return from.app()
                .database()
                .read(c -> Sql.one(c, """
                select d.last_status from delivery d join outbound_activity o on o.id = d.outbound_id
                where d.host = ? and o.body like ? order by d.id desc limit 1""", rs -> (Integer) rs.getObject(1), to.domain(), "%" + objectUri + "%"))
                .orElse(null);
    }

    private static void followAndWait(KindredInstance on, Member member, String handle) throws Exception {
        on.app().follows().follow(member, handle);
        eventually(() -> assertTrue(on.app().follows().subscriptions(member).stream()
                .anyMatch(s -> s.state() == FollowStore.State.ACCEPTED
                        && handle.startsWith("!" + s.community().name() + "@"))));
    }

    private static Post startThread(KindredInstance on, Member author, long communityId, String title) {
        return on.app()
                .threads()
                .startThread(author, communityId, new ThreadService.Draft(title, "Some words.", null, null, "en"));
    }

    @Test
    void alphaSuspendsBetaThenUnblocks() throws Exception {
        alpha.createCommunity("peers", "Peer support", "alice");
        var bob = beta.createMember("bob");
        var peersUri = alpha.baseUrl() + "/c/peers";
        followAndWait(beta, bob, "!peers@" + alpha.domain());
        long peersOnAlpha = alpha.communityId(peersUri);
        long peersOnBeta = beta.communityId(peersUri);
        eventually(() -> assertEquals(1, followsFrom(alpha, peersOnAlpha, beta)));
        var before = startThread(beta, bob, peersOnBeta, "Before the block");
        eventually(() -> assertEquals(List.of("Before the block"), titles(alpha, peersOnAlpha)));

        var cut = alpha.app()
                .policyService()
                .block(
                        new DomainBlock(
                                DomainPattern.parse(beta.domain()),
                                DomainBlock.Severity.SUSPEND,
                                false,
                                false,
                                "",
                                "",
                                false,
                                null),
                        "admin",
                        "test");
        assertEquals(1, cut.followsIn());
        assertTrue(cut.communitiesAffected() >= 1);

        // Beta's follow is gone on alpha, its thread hidden, nothing waits to go to it.
        assertEquals(0, followsFrom(alpha, peersOnAlpha, beta));
        assertEquals(List.of(), titles(alpha, peersOnAlpha));
        eventually(() -> assertEquals(
                0,
                alpha.count(
                        "select count(*) from delivery where host = ? and state in ('queued', 'in_flight', 'parked')",
                        beta.domain())));
        // Only that port of 127.0.0.1 is blocked.
        assertTrue(alpha.app().policy().federates(gamma.domain()));

        // A new signed delivery from beta is refused with 403 and changes nothing.
        long inboundBefore = alpha.count("select count(*) from inbound_activity");
        var after = startThread(beta, bob, peersOnBeta, "After the block");
        eventually(() -> assertEquals(403, lastStatus(beta, alpha, after.uri().toString())));
        assertEquals(inboundBefore, alpha.count("select count(*) from inbound_activity"));
        assertFalse(stored(alpha, after.uri()));

        // A signed GET from beta is refused too, and alpha fetches nothing from beta.
        var get = assertThrows(
                FetchException.class, () -> beta.app().remoteActors().fetchAndStore(URI.create(peersUri)));
        assertEquals(403, get.status(), get.getMessage());
        var fetch = assertThrows(
                FetchException.class,
                () -> alpha.app().remoteActors().fetchAndStore(bob.actor().uri()));
        assertEquals(FetchException.Reason.REFUSED_DOMAIN, fetch.reason());

        // A new thread on alpha queues nothing for beta, nor does anything addressed to beta's actors.
        long deliveriesToBeta = alpha.count("select count(*) from delivery where host = ?", beta.domain());
        var alice = alpha.member("alice");
        startThread(alpha, alice, peersOnAlpha, "Alpha after the block");
        // Known from before the block and still fresh, so no fetch is needed.
        var bobOnAlpha = alpha.app().remoteActors().byUri(bob.actor().uri());
        var queued = alpha.app()
                .database()
                .transaction(c -> alpha.app()
                        .outbox()
                        .enqueue(
                                c, alice.actor(), alpha.baseUrl() + "/test/direct-1", null, "{}", List.of(bobOnAlpha)));
        assertEquals(0, queued.remoteInboxes());
        assertEquals(deliveriesToBeta, alpha.count("select count(*) from delivery where host = ?", beta.domain()));

        // Unblocked: new activity gets through, the old follow is not silently restored, the old thread shows again.
        alpha.app().policyService().unblock(DomainPattern.parse(beta.domain()), "admin", "test");
        assertEquals(List.of("Alpha after the block", "Before the block"), titles(alpha, peersOnAlpha));
        var carol = beta.createMember("carol");
        followAndWait(beta, carol, "!peers@" + alpha.domain());
        eventually(() -> assertTrue(hasFollow(alpha, peersOnAlpha, carol)));
        assertFalse(hasFollow(alpha, peersOnAlpha, bob), "bob's severed follow stays severed");
        var later = startThread(beta, carol, peersOnBeta, "After the unblock");
        eventually(() -> assertTrue(stored(alpha, later.uri())));
    }

    @Test
    void anAllowlistInstanceFederatesOnlyWithTheListedOne() throws Exception {
        try (var haven = KindredInstance.start("haven", Map.of("KINDRED_FEDERATION_MODE", "allowlist"))) {
            haven.app().policyService().allow(DomainPattern.parse(beta.domain()), "admin");
            var hana = haven.createMember("hana");
            haven.createCommunity("circle", "Circle", "hana");
            var circleUri = haven.baseUrl() + "/c/circle";
            long circleOnHaven = haven.communityId(circleUri);

            // Beta is listed: its member follows.
            var dan = beta.createMember("dan");
            followAndWait(beta, dan, "!circle@" + haven.domain());
            eventually(() -> assertTrue(hasFollow(haven, circleOnHaven, dan)));

            // Gamma is not: its signed GET of the community is refused ...
            var gil = gamma.createMember("gil");
            var lookup =
                    assertThrows(Refusal.class, () -> gamma.app().follows().follow(gil, "!circle@" + haven.domain()));
            assertTrue(lookup.getMessage().contains("403"), lookup.getMessage());
            // ... and with the community's document in hand, its Follow is refused at the inbox.
            var document = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(circleUri))
                                    .header("Accept", "application/activity+json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, document.statusCode(), "unsigned GETs stay open without authorized fetch");
            gamma.app().remoteActors().store(URI.create(circleUri), new ObjectMapper().readTree(document.body()));
            var pending = gamma.app().follows().follow(gil, circleUri);
            assertEquals(FollowStore.State.PENDING, pending.state());
            long gammaCircle = pending.community().id();
            eventually(() -> assertEquals(403, lastStatus(gamma, haven, circleUri)));
            assertEquals(0, followsFrom(haven, circleOnHaven, gamma));
            assertEquals(
                    0,
                    haven.count(
                            "select count(*) from inbound_activity where actor_uri like ?", gamma.baseUrl() + "/%"));
            assertEquals(
                    FollowStore.State.PENDING,
                    gamma.app().follows().subscriptions(gil).stream()
                            .filter(s -> s.community().id() == gammaCircle)
                            .findFirst()
                            .orElseThrow()
                            .state());

            // Haven neither resolves nor fetches gamma's actors.
            var webfinger = assertThrows(
                    FetchException.class, () -> haven.app().remoteActors().resolve("@gil@" + gamma.domain()));
            assertEquals(FetchException.Reason.REFUSED_DOMAIN, webfinger.reason());
            var byUrl = assertThrows(
                    FetchException.class,
                    () -> haven.app().remoteActors().byUri(gil.actor().uri()));
            assertEquals(FetchException.Reason.REFUSED_DOMAIN, byUrl.reason());
            gamma.createCommunity("elsewhere", "Elsewhere", "gil");
            assertThrows(Refusal.class, () -> haven.app().follows().follow(hana, "!elsewhere@" + gamma.domain()));
            assertEquals(0, haven.count("select count(*) from actor where domain = ?", gamma.domain()));
        }
    }

    @Test
    void aCommunityOnAlphaShutsOutGamma() throws Exception {
        alpha.createCommunity("garden", "Garden", "alice");
        var gardenUri = alpha.baseUrl() + "/c/garden";
        long gardenOnAlpha = alpha.communityId(gardenUri);
        var erin = beta.createMember("erin");
        var gus = gamma.createMember("gus");
        followAndWait(beta, erin, "!garden@" + alpha.domain());
        followAndWait(gamma, gus, "!garden@" + alpha.domain());
        long gardenOnBeta = beta.communityId(gardenUri);
        long gardenOnGamma = gamma.communityId(gardenUri);
        var gusBefore = startThread(gamma, gus, gardenOnGamma, "Gus before");
        eventually(() -> assertTrue(stored(alpha, gusBefore.uri())));

        assertEquals(1, alpha.app().communityBlocks().block(gardenOnAlpha, gamma.domain(), "not here", "alice"));
        assertEquals(0, followsFrom(alpha, gardenOnAlpha, gamma), "gamma's follow of the garden is removed");
        assertEquals(1, followsFrom(alpha, gardenOnAlpha, beta));

        // Gamma's member can no longer post there: the Create arrives and is rejected, nothing stored.
        var gusAfter = startThread(gamma, gus, gardenOnGamma, "Gus after");
        eventually(() -> assertEquals(
                "failed",
                alpha.app()
                        .database()
                        .read(c -> Sql.one(
                                c,
                                "select state from inbound_activity where activity_type = 'Create' and body::text like ?",
                                rs -> rs.getString(1),
                                "%" + gusAfter.uri() + "%"))
                        .orElse("not yet")));
        assertFalse(stored(alpha, gusAfter.uri()));
        // Beta's member still can.
        var erinAfter = startThread(beta, erin, gardenOnBeta, "Erin after");
        eventually(() -> assertTrue(stored(alpha, erinAfter.uri())));
        assertTrue(titles(alpha, gardenOnAlpha).containsAll(List.of("Erin after", "Gus before")));

        // A new follow from gamma is answered with a Reject, so it does not wait forever.
        var gwen = gamma.createMember("gwen");
        assertEquals(
                FollowStore.State.PENDING,
                gamma.app().follows().follow(gwen, "!garden@" + alpha.domain()).state());
        eventually(() -> assertEquals(List.of(), gamma.app().follows().subscriptions(gwen)));
        assertEquals(0, followsFrom(alpha, gardenOnAlpha, gamma));
        // The block is the garden's alone: gamma still federates with alpha.
        assertTrue(alpha.app().policy().federates(gamma.domain()));
    }
}
