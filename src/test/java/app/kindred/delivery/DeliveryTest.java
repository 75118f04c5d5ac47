package app.kindred.delivery;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.RemoteActorData;
import app.kindred.federation.signature.HttpRequestParts;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.VerificationKey;
import app.kindred.federation.signature.VerificationResult;
import app.kindred.follow.FollowStore;
import app.kindred.member.Role;
import app.kindred.moderation.CommunityBans;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivery against WireMock receivers over real HTTP, with a real PostgreSQL queue. */
class DeliveryTest {
    private WireMockServer remote;
    private App app;
    private Actor sender;
    private int sequence;

    @BeforeEach
    void start() {
        remote = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        remote.start();
        app = open(Map.of());
        sender = app.members().create("sender", "a long password", Role.MEMBER).actor();
    }

    private App open(Map<String, String> extra) {
        return App.open(TestPostgres.config(settings(extra)));
    }

    /** The same database with other settings, as after a restart with a changed config. */
    private void reopen(Map<String, String> extra) {
        var url = app.config().database().url();
        app.close();
        app = App.open(TestPostgres.configFor(url, settings(extra)));
    }

    private static Map<String, String> settings(Map<String, String> extra) {
        var env = new HashMap<>(Map.of(
                "KINDRED_DELIVERY_TIME_SCALE",
                "0.001",
                "KINDRED_DELIVERY_POLL_INTERVAL",
                "50ms",
                "KINDRED_DELIVERY_TIMEOUT",
                "2s"));
        env.putAll(extra);
        return env;
    }

    @AfterEach
    void stop() {
        if (app != null) app.close();
        remote.stop();
    }

    private String base() {
        return "http://127.0.0.1:" + remote.port();
    }

    private Actor remoteActor(App on, String name, String inboxPath, String sharedInboxPath) {
        var uri = URI.create(base() + "/users/" + name);
        return on.database()
                .transaction(c -> new ActorStore(on.ids())
                        .upsertRemote(
                                c,
                                new RemoteActorData(
                                        uri,
                                        ActorType.PERSON,
                                        name,
                                        name,
                                        URI.create(base() + inboxPath),
                                        sharedInboxPath == null ? null : URI.create(base() + sharedInboxPath),
                                        null,
                                        null,
                                        uri + "#main-key",
                                        null,
                                        null,
                                        null)));
    }

    private String activity(String type, String objectId) {
        return "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"" + sender.uri() + "/activities/"
                + (++sequence) + "\",\"type\":\"" + type + "\",\"actor\":\"" + sender.uri() + "\",\"object\":\""
                + objectId + "\"}";
    }

    private String enqueue(App on, String body, String objectId, List<Actor> recipients) {
        var id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        on.database().transaction(c -> on.outbox().enqueue(c, sender, id, objectId, body, recipients));
        on.deliveryWorker().wake();
        return id;
    }

    private Map<String, String> row(String activityId) {
        return app.database()
                .read(c -> Sql.one(
                        c,
                        """
                select d.state, d.attempts, d.last_status, d.last_error, d.next_attempt_at from delivery d
                join outbound_activity o on o.id = d.outbound_id where o.activity_id = ?""",
                        rs -> Map.of(
                                "state",
                                rs.getString(1),
                                "attempts",
                                String.valueOf(rs.getInt(2)),
                                "status",
                                String.valueOf(rs.getObject(3)),
                                "error",
                                String.valueOf(rs.getString(4)),
                                "next",
                                rs.getTimestamp(5).toInstant().toString()),
                        activityId))
                .orElseThrow();
    }

    private static HttpRequestParts parts(LoggedRequest r) {
        Map<String, List<String>> headers = new HashMap<>();
        for (var h : r.getHeaders().all()) headers.put(h.key(), h.values());
        return new HttpRequestParts(r.getMethod().getName(), URI.create(r.getAbsoluteUrl()), headers, r.getBody());
    }

    @Test
    void deliversSignedOnceToTheSharedInboxAndCountsIt() throws Exception {
        remote.stubFor(post(urlEqualTo("/inbox")).willReturn(aResponse().withStatus(202)));
        var a = remoteActor(app, "a", "/users/a/inbox", "/inbox");
        var b = remoteActor(app, "b", "/users/b/inbox", "/inbox");
        app.startWorkers();
        var id = enqueue(app, activity("Create", base() + "/objects/1"), base() + "/objects/1", List.of(a, b));
        eventually(() -> assertEquals("delivered", row(id).get("state")));
        assertEquals(
                1L,
                (long) app.database()
                        .read(c -> Sql.count(
                                c,
                                "select count(*) from delivery d join outbound_activity o on o.id = d.outbound_id"
                                        + " where o.activity_id = ?",
                                id)),
                "two followers on one server share one delivery");
        // At least once (docs/federation.md): an answer slower than the timeout, as from a cold receiver on a
        // loaded machine, is sent again and the receiver deduplicates by id. So the count of POSTs is not the
        // promise; one delivery, signed every time, and no POST without an attempt of its own are.
        var received = remote.findAll(postRequestedFor(urlEqualTo("/inbox")));
        assertFalse(received.isEmpty());
        assertTrue(
                received.size() <= Integer.parseInt(row(id).get("attempts")),
                received.size() + " POSTs for " + row(id).get("attempts") + " attempts");
        var verifier = new SignatureVerifier(Clock.systemUTC());
        var key = VerificationKey.fromPem(sender.publicKeyPem());
        for (var request : received) {
            assertEquals("application/activity+json", request.getHeader("Content-Type"));
            assertTrue(request.getBodyAsString().contains("\"id\":\"" + id + "\""));
            var result = verifier.verify(
                    parts(request), keyId -> keyId.equals(sender.publicKeyId()) ? Optional.of(key) : Optional.empty());
            assertInstanceOf(VerificationResult.Verified.class, result, result.toString());
        }
        // Counted once however many attempts it took: a claim sent twice at once would count twice.
        assertEquals(1, app.deliveryMetrics().get(DeliveryMetrics.Outcome.DELIVERED));
    }

    @Test
    void serverErrorsAreRetriedUntilTheyAreDelivered() throws Exception {
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .inScenario("flaky")
                .whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("once"));
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .inScenario("flaky")
                .whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("up"));
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        app.startWorkers();
        var id = enqueue(
                app,
                activity("Create", base() + "/objects/2"),
                null,
                List.of(remoteActor(app, "a", "/users/a/inbox", null)));
        eventually(() -> assertEquals("delivered", row(id).get("state")));
        assertEquals("3", row(id).get("attempts"));
        assertEquals(2, app.deliveryMetrics().get(DeliveryMetrics.Outcome.RETRIED));
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() throws Exception {
        reopen(Map.of("KINDRED_DELIVERY_TIME_SCALE", "1.0"));
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")));
        app.startWorkers();
        var id = enqueue(
                app,
                activity("Create", base() + "/objects/3"),
                null,
                List.of(remoteActor(app, "a", "/users/a/inbox", null)));
        eventually(() -> assertEquals("429", row(id).get("status")));
        var next = java.time.Instant.parse(row(id).get("next"));
        var wait = java.time.Duration.between(java.time.Instant.now(), next).toSeconds();
        assertTrue(wait > 590 && wait <= 600, "Retry-After: 600 honoured, waits " + wait + " s");
        assertEquals("queued", row(id).get("state"));
    }

    @Test
    void otherClientErrorsFailAtOnceAndGoneMarksTheActor() throws Exception {
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .willReturn(aResponse().withStatus(403).withBody("{\"error\":\"blocked\"}")));
        remote.stubFor(post(urlEqualTo("/users/g/inbox")).willReturn(aResponse().withStatus(410)));
        var a = remoteActor(app, "a", "/users/a/inbox", null);
        var g = remoteActor(app, "g", "/users/g/inbox", null);
        app.startWorkers();
        var forbidden = enqueue(app, activity("Create", base() + "/objects/4"), null, List.of(a));
        var gone = enqueue(app, activity("Create", base() + "/objects/5"), null, List.of(g));
        eventually(() -> assertEquals("failed", row(forbidden).get("state")));
        eventually(() -> assertEquals("failed", row(gone).get("state")));
        assertEquals("1", row(forbidden).get("attempts"));
        assertTrue(
                row(forbidden).get("error").contains("HTTP 403")
                        && row(forbidden).get("error").contains("blocked"),
                row(forbidden).toString());
        assertNotNull(app.database()
                .read(c -> Sql.one(c, "select gone_at from actor where id = ?", rs -> rs.getTimestamp(1), g.id()))
                .orElse(null));
        // Nothing more is queued for a gone actor.
        var later = enqueue(app, activity("Create", base() + "/objects/6"), null, List.of(g));
        long queued = app.database().read(c -> Sql.count(c, """
                select count(*) from delivery d join outbound_activity o on o.id = d.outbound_id where o.activity_id = ?""", later));
        assertEquals(0, queued);
    }

    @Test
    void doubleKnockSwitchesToRfc9421AndRemembersIt() throws Exception {
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .atPriority(1)
                .withHeader("Signature-Input", matching(".*"))
                .willReturn(aResponse().withStatus(202)));
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .atPriority(2)
                .willReturn(aResponse().withStatus(401)));
        var a = remoteActor(app, "a", "/users/a/inbox", null);
        app.startWorkers();
        var first = enqueue(app, activity("Create", base() + "/objects/7"), null, List.of(a));
        eventually(() ->
                assertEquals("delivered", row(first).get("state"), row(first).toString()));
        assertEquals(
                2,
                remote.findAll(postRequestedFor(urlEqualTo("/users/a/inbox"))).size(),
                "cavage, then RFC 9421");
        assertEquals(
                "rfc9421",
                app.database()
                        .read(c -> Sql.one(
                                c,
                                "select scheme from host_signature_scheme where host = ?",
                                rs -> rs.getString(1),
                                "127.0.0.1:" + remote.port()))
                        .orElse(null));

        remote.resetRequests();
        var second = enqueue(app, activity("Create", base() + "/objects/8"), null, List.of(a));
        eventually(() -> assertEquals("delivered", row(second).get("state")));
        assertEquals(
                1,
                remote.findAll(postRequestedFor(urlEqualTo("/users/a/inbox"))).size(),
                "straight to RFC 9421");
    }

    @Test
    void createUpdateDeleteOfOneObjectArriveInOrder() throws Exception {
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .inScenario("order")
                .whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("up"));
        remote.stubFor(post(urlEqualTo("/users/a/inbox"))
                .inScenario("order")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(202)));
        var a = remoteActor(app, "a", "/users/a/inbox", null);
        var object = base() + "/objects/9";
        // Queued before the workers start, so all three are due at once.
        var ids = new ArrayList<String>();
        for (var type : List.of("Create", "Update", "Delete"))
            ids.add(enqueue(app, activity(type, object), object, List.of(a)));
        app.startWorkers();
        eventually(() -> ids.forEach(id -> assertEquals("delivered", row(id).get("state"))));
        var types = remote.findAll(postRequestedFor(urlEqualTo("/users/a/inbox"))).stream()
                .map(r -> r.getBodyAsString().replaceAll(".*\"type\":\"([A-Za-z]+)\".*", "$1"))
                .collect(Collectors.toList());
        assertEquals(
                List.of("Create", "Create", "Update", "Delete"),
                types,
                "the failed Create is retried before Update goes");
    }

    @Test
    void whatAGroupQueuedBeforeABanStillReachesTheBannedFollowerAndNothingAfter() throws Exception {
        remote.stubFor(post(urlMatching("/.*")).willReturn(aResponse().withStatus(202)));
        var group = app.communities().create("circle", "Circle", "", "sender");
        var banned = remoteActor(app, "banned", "/users/banned/inbox", null);
        app.database().transaction(tx -> {
            new FollowStore().upsert(tx, banned.id(), group.actor().id(), FollowStore.State.ACCEPTED, null);
            return null;
        });
        var object = base() + "/objects/30";
        var before = activity("Announce", object);
        var after = activity("Announce", base() + "/objects/31");
        app.database().transaction(tx -> {
            // A moderator's removal, queued while they still follow; then the ban, then something new.
            app.outbox()
                    .enqueueToFollowers(
                            tx,
                            group.actor(),
                            List.of(new Outbox.Activity(idOf(before), object, before, true)),
                            group.actor(),
                            List.of());
            CommunityBans.ban(tx, group.id(), banned.id(), "spam", null);
            CommunityBans.ban(tx, group.id(), banned.id(), "spam, again", null);
            app.outbox()
                    .enqueueToFollowers(
                            tx,
                            group.actor(),
                            List.of(new Outbox.Activity(idOf(after), base() + "/objects/31", after, true)),
                            group.actor(),
                            List.of());
            return null;
        });
        app.startWorkers();
        eventually(() -> assertEquals(
                0L, (long) app.database().read(tx -> Sql.count(tx, "select count(*) from delivery_fanout"))));
        eventually(() -> assertEquals(
                1,
                remote.findAll(postRequestedFor(urlEqualTo("/users/banned/inbox")))
                        .size()));
        var got = remote.findAll(postRequestedFor(urlEqualTo("/users/banned/inbox")))
                .getFirst()
                .getBodyAsString();
        assertTrue(got.contains(idOf(before)), "the activity queued before the ban, once: " + got);
    }

    private static String idOf(String body) {
        return body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aFanOutIsOneRowUntilTheWorkerExpandsItToTheFollowersOfThatMoment() throws Exception {
        remote.stubFor(post(urlMatching("/.*")).willReturn(aResponse().withStatus(202)));
        var group = app.communities().create("peers", "Peers", "", "sender").actor();
        var a = remoteActor(app, "a", "/users/a/inbox", "/inbox");
        var b = remoteActor(app, "b", "/users/b/inbox", "/inbox");
        var c = remoteActor(app, "c", "/users/c/inbox", null);
        var later = remoteActor(app, "later", "/users/later/inbox", null);
        var follows = new FollowStore();
        app.database().transaction(tx -> {
            for (var f : List.of(a, b, c)) follows.upsert(tx, f.id(), group.id(), FollowStore.State.ACCEPTED, null);
            return null;
        });
        var object = base() + "/objects/20";
        var body = activity("Announce", object);
        var id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        app.database().transaction(tx -> {
            app.outbox()
                    .enqueueToFollowers(
                            tx, group, List.of(new Outbox.Activity(id, object, body, true)), group, List.of());
            return null;
        });
        assertEquals(1L, (long) app.database().read(tx -> Sql.count(tx, "select count(*) from delivery_fanout")));
        assertEquals(0L, (long) app.database().read(tx -> Sql.count(tx, "select count(*) from delivery")));
        var status = new DeliveryStatus(app.database());
        assertEquals(1, status.waitingFanouts());
        assertEquals(
                List.of("followers of " + group.uri() + " fanout"),
                status.activity(id).stream()
                        .map(r -> r.inbox() + " " + r.state())
                        .toList(),
                "admins see it waiting");

        // Followers as they are when it goes out: c left, later arrived.
        app.database().transaction(tx -> {
            follows.delete(tx, c.id(), group.id());
            follows.upsert(tx, later.id(), group.id(), FollowStore.State.ACCEPTED, null);
            return null;
        });
        // A direct delivery of the same object queued after the fan-out waits for it, even though its row is older.
        var update = enqueue(app, activity("Update", object), object, List.of(later));
        app.startWorkers();
        eventually(() -> assertEquals(0L, (long)
                app.database().read(tx -> Sql.count(tx, "select count(*) from delivery where state <> 'delivered'"))));
        assertEquals(0L, (long) app.database().read(tx -> Sql.count(tx, "select count(*) from delivery_fanout")));
        // a and b share one inbox: one POST; c gets nothing.
        assertEquals(1, remote.findAll(postRequestedFor(urlEqualTo("/inbox"))).size());
        assertEquals(
                0,
                remote.findAll(postRequestedFor(urlEqualTo("/users/c/inbox"))).size());
        var toLater = remote.findAll(postRequestedFor(urlEqualTo("/users/later/inbox"))).stream()
                .map(r -> r.getBodyAsString().replaceAll(".*\"type\":\"([A-Za-z]+)\".*", "$1"))
                .toList();
        assertEquals(List.of("Announce", "Update"), toLater, "queued first, delivered first");
        assertEquals("delivered", row(update).get("state"));
        assertEquals(
                3,
                status.activity(id).size() + status.activity(update).size(),
                "one POST to /inbox, one to later, and the Update");
    }

    @Test
    void aDeadHostIsParkedAndReleasedAtItsNextSignOfLife() throws Exception {
        reopen(Map.of("KINDRED_DELIVERY_UNAVAILABLE_AFTER", "300ms"));
        remote.stubFor(post(urlEqualTo("/users/a/inbox")).willReturn(aResponse().withStatus(503)));
        var a = remoteActor(app, "a", "/users/a/inbox", null);
        app.startWorkers();
        var first = enqueue(app, activity("Create", base() + "/objects/10"), null, List.of(a));
        eventually(() -> assertEquals("parked", row(first).get("state")));
        var host = "127.0.0.1:" + remote.port();
        boolean unavailable = app.database().read(c -> new HostHealth(java.time.Duration.ZERO).isUnavailable(c, host));
        assertTrue(unavailable);
        // New work for the host is parked at once, not attempted.
        remote.resetRequests();
        var second = enqueue(app, activity("Create", base() + "/objects/11"), null, List.of(a));
        assertEquals("parked", row(second).get("state"));
        Thread.sleep(300);
        assertEquals(
                0,
                remote.findAll(postRequestedFor(urlEqualTo("/users/a/inbox"))).size());

        remote.stubFor(post(urlEqualTo("/users/a/inbox")).willReturn(aResponse().withStatus(202)));
        app.database().transaction(c -> new HostHealth(java.time.Duration.ofDays(3)).alive(c, host));
        app.deliveryWorker().wake();
        eventually(() -> assertEquals("delivered", row(first).get("state")));
        eventually(() -> assertEquals("delivered", row(second).get("state")));
    }

    @Test
    void aChangeThatRollsBackQueuesNothing() {
        var a = remoteActor(app, "a", "/users/a/inbox", null);
        assertThrows(
                IllegalStateException.class,
                () -> app.database().transaction(c -> {
                    app.outbox()
                            .enqueue(
                                    c,
                                    sender,
                                    sender.uri() + "/activities/rolled-back",
                                    null,
                                    activity("Create", "x"),
                                    List.of(a));
                    throw new IllegalStateException("the feature's own change failed");
                }));
        assertEquals(0L, (long) app.database().read(c -> Sql.count(c, "select count(*) from delivery")));
        assertEquals(0L, (long) app.database().read(c -> Sql.count(c, "select count(*) from outbound_activity")));
    }

    @Test
    void localRecipientsAreHandledWithoutHttp() {
        var local = app.members()
                .create("neighbour", "a long password", Role.MEMBER)
                .actor();
        var id = enqueue(app, activity("Create", base() + "/objects/12"), null, List.of(local));
        assertEquals(
                "local",
                app.database()
                        .read(c -> Sql.one(
                                c,
                                "select signature_scheme from inbound_activity where activity_id = ?",
                                rs -> rs.getString(1),
                                id))
                        .orElse(null));
        assertEquals(0L, (long) app.database().read(c -> Sql.count(c, "select count(*) from delivery")));
    }

    @Test
    void aClaimThatOutlivedItsLeaseIsNotSentAgainByItsOwnWorkerAndOnlyTheNewClaimWritesTheOutcome() throws Exception {
        // No worker started: the store is driven as the dispatcher drives it, with a lease that runs out at once,
        // as one does when a cold, loaded process is slow to get a POST out.
        var id = enqueue(
                app,
                activity("Create", base() + "/objects/40"),
                null,
                List.of(remoteActor(app, "a", "/users/a/inbox", null)));
        var store = new DeliveryStore();
        var first = app.database()
                .transaction(c -> store.claim(c, "worker-1", 8, 4, Map.of(), List.of(), Duration.ofMillis(1)));
        assertEquals(1, first.size());
        var claim = first.get(0);
        eventually(() -> assertEquals(1L, (long) app.database()
                .read(c -> Sql.count(
                        c, "select count(*) from delivery where id = ? and claimed_until < now()", claim.id()))));

        // Its own worker is still sending it: claiming it again would be a second POST alongside the first.
        assertEquals(
                List.of(),
                app.database()
                        .transaction(c -> store.claim(
                                c, "worker-1", 8, 4, Map.of(), List.of(claim.id()), Duration.ofMinutes(1))));
        // Another process may take it (the first may have crashed); from then on the outcome is the new claim's.
        var second = app.database()
                .transaction(c -> store.claim(c, "worker-2", 8, 4, Map.of(), List.of(), Duration.ofMinutes(1)));
        assertEquals(
                List.of(claim.id()),
                second.stream().map(DeliveryStore.Claimed::id).toList());
        assertFalse((boolean) app.database().transaction(c -> store.holds(c, claim, "worker-1")));
        assertFalse((boolean)
                app.database().transaction(c -> store.retryAt(c, claim, "worker-1", Instant.now(), 0, "timeout")));
        assertEquals("in_flight", row(id).get("state"));
        assertTrue((boolean) app.database().transaction(c -> store.delivered(c, second.get(0), "worker-2", 202)));
        assertEquals("delivered", row(id).get("state"));
        assertFalse((boolean) app.database().transaction(c -> store.failed(c, claim, "worker-1", 500, "late")));
        assertEquals("delivered", row(id).get("state"));
        assertEquals("2", row(id).get("attempts"));
    }

    @Test
    void twoProcessesOnOneDatabaseShareTheQueueWithoutDoubleSends() throws Exception {
        for (int i = 0; i < 40; i++)
            remote.stubFor(post(urlEqualTo("/users/u" + i + "/inbox"))
                    .willReturn(aResponse().withStatus(202).withFixedDelay(20)));
        var recipients = new ArrayList<Actor>();
        for (int i = 0; i < 40; i++) recipients.add(remoteActor(app, "u" + i, "/users/u" + i + "/inbox", null));
        var id = enqueue(app, activity("Create", base() + "/objects/13"), null, recipients);
        // A second App on the same database: its own pool and worker, as a second process would have.
        var url = app.config().database().url();
        try (var second = App.open(TestPostgres.configFor(url, settings(Map.of())))) {
            app.startWorkers();
            second.startWorkers();
            eventually(() -> assertEquals(40L, (long)
                    app.database().read(c -> Sql.count(c, "select count(*) from delivery where state = 'delivered'"))));
            var perWorker = app.deliveryMetrics().get(DeliveryMetrics.Outcome.DELIVERED)
                    + second.deliveryMetrics().get(DeliveryMetrics.Outcome.DELIVERED);
            assertEquals(40, perWorker, "each delivery made by exactly one worker");
            assertTrue(
                    app.deliveryMetrics().get(DeliveryMetrics.Outcome.DELIVERED) > 0
                            && second.deliveryMetrics().get(DeliveryMetrics.Outcome.DELIVERED) > 0,
                    "both shared the work");
        }
        // Two workers never send one claim, so never more POSTs than attempts; a slow answer may be retried
        // (at least once), so not exactly one.
        for (int i = 0; i < 40; i++) {
            var inbox = base() + "/users/u" + i + "/inbox";
            int posts = remote.findAll(postRequestedFor(urlEqualTo("/users/u" + i + "/inbox")))
                    .size();
            long attempts = app.database()
                    .read(c -> Sql.one(c, "select attempts from delivery where inbox = ?", rs -> rs.getLong(1), inbox))
                    .orElseThrow();
            assertTrue(
                    posts >= 1 && posts <= attempts,
                    "inbox u" + i + ": " + posts + " POSTs, " + attempts + " attempts");
        }
    }
}
