package app.kindred.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalKeys;
import app.kindred.config.Config;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.remote.FetchException.Reason;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resolving and storing remote actors, against a real database and WireMock as the remote server. */
class RemoteActorsTest {
    private static final String AP = "application/activity+json";
    private static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private Config config;
    private App app;

    @BeforeEach
    void openApp() {
        // TestPostgres.config is plain http with private addresses allowed, so WireMock is reachable.
        config = TestPostgres.config(Map.of("KINDRED_INSTANCE_SCHEME", "http"));
        app = App.open(config);
    }

    @AfterEach
    void closeApp() {
        app.close();
        TestPostgres.dropDatabase(config.database().url());
    }

    private static String host() {
        return "127.0.0.1:" + remote.getPort();
    }

    private static String url(String path) {
        return "http://" + host() + path;
    }

    private static void serveWebFinger(String name, String actorPath) {
        remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                .withQueryParam("resource", equalTo("acct:" + name + "@" + host()))
                .willReturn(okForContentType(
                        "application/jrd+json", """
                        {"subject": "acct:%s@%s", "links": [
                          {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": "%s"},
                          {"rel": "self", "type": "application/activity+json", "href": "%s"}]}""".formatted(name, host(), url(actorPath), url(actorPath)))));
    }

    private static String actorJson(String type, String name, String path, LocalKeys keys) {
        var id = url(path);
        return """
                {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                              "https://w3id.org/security/data-integrity/v1"],
                 "id": "%1$s", "type": "%2$s", "preferredUsername": "%3$s", "name": "The %3$s",
                 "inbox": "%1$s/inbox", "outbox": "%1$s/outbox", "followers": "%1$s/followers",
                 "endpoints": {"sharedInbox": "%4$s"},
                 "publicKey": {"id": "%1$s#main-key", "owner": "%1$s", "publicKeyPem": %5$s},
                 "assertionMethod": [{"id": "%1$s#ed25519-key", "type": "Multikey", "controller": "%1$s",
                                      "publicKeyMultibase": "%6$s"}]}""".formatted(id, type, name, url("/inbox"), quoted(keys.rsaPublicPem()), keys.ed25519Multibase());
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    private static void serveActor(String type, String name, String path, LocalKeys keys) {
        remote.stubFor(get(path).willReturn(okForContentType(AP, actorJson(type, name, path, keys))));
    }

    private static int fetchesOf(String path) {
        return remote.findAll(getRequestedFor(urlEqualTo(path))).size();
    }

    private long actorRows() {
        return app.database().read(c -> Sql.count(c, "select count(*) from actor"));
    }

    private static void assertStored(Actor actor, ActorType type, String name, String path, LocalKeys keys) {
        assertEquals(URI.create(url(path)), actor.uri());
        assertEquals(type, actor.type());
        assertEquals(name, actor.preferredUsername());
        assertEquals(host(), actor.domain());
        assertFalse(actor.local());
        assertEquals(URI.create(url(path + "/inbox")), actor.inbox());
        assertEquals(URI.create(url("/inbox")), actor.sharedInbox());
        assertEquals(URI.create(url(path + "/outbox")), actor.outbox());
        assertEquals(url(path) + "#main-key", actor.publicKeyId());
        assertEquals(keys.rsaPublicPem(), actor.publicKeyPem());
        assertEquals(url(path) + "#ed25519-key", actor.ed25519KeyId());
        assertEquals(keys.ed25519Multibase(), actor.ed25519Multibase());
        assertTrue(actor.ed25519Multibase().startsWith("z6Mk"), actor.ed25519Multibase());
    }

    @Test
    void resolvesACommunityHandleThroughWebFingerAndStoresIt() throws Exception {
        var keys = LocalKeys.generate(RANDOM);
        serveWebFinger("gardening", "/c/gardening");
        serveActor("Group", "gardening", "/c/gardening", keys);

        var resolved = app.remoteActors().resolve("!gardening@" + host());

        assertStored(resolved, ActorType.GROUP, "gardening", "/c/gardening", keys);
        var stored = app.database()
                .read(c -> new ActorStore(app.ids()).findByUri(c, resolved.uri()))
                .orElseThrow();
        assertEquals(resolved, stored);
        remote.verify(getRequestedFor(urlPathEqualTo("/.well-known/webfinger"))
                .withHeader("Accept", equalTo("application/jrd+json, application/json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"@alice@%s", "alice@%s", "acct:alice@%s", " @alice@%s ", "http://%s/u/alice"})
    void resolvesEveryFormOfAPersonsAddress(String form) throws Exception {
        var keys = LocalKeys.generate(RANDOM);
        serveWebFinger("alice", "/u/alice");
        serveActor("Person", "alice", "/u/alice", keys);

        assertStored(app.remoteActors().resolve(form.formatted(host())), ActorType.PERSON, "alice", "/u/alice", keys);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aCommunityHandleFindsTheCommunityWhereAUserHasTheSameName(boolean userFirst) throws Exception {
        // Lemmy answers acct:foo@host with both the user and the community, typed by a property.
        var user = """
                {"rel": "self", "type": "application/activity+json", "href": "%s",
                 "properties": {"https://www.w3.org/ns/activitystreams#type": "Person"}}""".formatted(url("/u/foo"));
        var community = """
                {"rel": "self", "type": "application/activity+json", "href": "%s",
                 "properties": {"https://www.w3.org/ns/activitystreams#type": "Group"}}""".formatted(url("/c/foo"));
        remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                .willReturn(okForContentType(
                        "application/jrd+json",
                        "{\"subject\": \"acct:foo@%s\", \"links\": [%s, %s]}"
                                .formatted(host(), userFirst ? user : community, userFirst ? community : user))));
        serveActor("Person", "foo", "/u/foo", LocalKeys.generate(RANDOM));
        serveActor("Group", "foo", "/c/foo", LocalKeys.generate(RANDOM));

        assertEquals(
                URI.create(url("/c/foo")),
                app.remoteActors().resolve("!foo@" + host()).uri());
        assertEquals(
                URI.create(url("/u/foo")),
                app.remoteActors().resolve("@foo@" + host()).uri());
    }

    @Test
    void aFreshStoredActorIsNotFetchedAgain() throws Exception {
        var keys = LocalKeys.generate(RANDOM);
        serveWebFinger("alice", "/u/alice");
        serveActor("Person", "alice", "/u/alice", keys);

        var first = app.remoteActors().resolve("@alice@" + host());
        var again = app.remoteActors().resolve("@alice@" + host());
        var byUrl = app.remoteActors().resolve(url("/u/alice"));
        var byUri = app.remoteActors().byUri(URI.create(url("/u/alice")));

        assertEquals(1, fetchesOf("/u/alice"));
        assertEquals(first, again);
        assertEquals(first, byUrl);
        assertEquals(first, byUri);
    }

    @Test
    void aStaleStoredActorIsFetchedAgainAndUpdated() throws Exception {
        var keys = LocalKeys.generate(RANDOM);
        serveActor("Person", "alice", "/u/alice", keys);
        var first = app.remoteActors().byUri(URI.create(url("/u/alice")));

        // The remote rotates its keys and renames; we only notice once our copy is stale.
        var rotated = LocalKeys.generate(RANDOM);
        remote.stubFor(get("/u/alice")
                .willReturn(okForContentType(
                        AP,
                        actorJson("Person", "alice", "/u/alice", rotated)
                                .replace("\"The alice\"", "\"Alice Renamed\""))));
        assertEquals(first, app.remoteActors().byUri(URI.create(url("/u/alice"))));
        assertEquals(1, fetchesOf("/u/alice"));

        app.database()
                .transaction(c -> Sql.update(
                        c, "update actor set fetched_at = now() - interval '2 days' where uri = ?", first.uri()));
        var refreshed = app.remoteActors().byUri(URI.create(url("/u/alice")));

        assertEquals(2, fetchesOf("/u/alice"));
        assertEquals(first.id(), refreshed.id());
        assertEquals(rotated.rsaPublicPem(), refreshed.publicKeyPem());
        assertEquals(rotated.ed25519Multibase(), refreshed.ed25519Multibase());
        assertEquals("Alice Renamed", refreshed.name());
        assertTrue(refreshed.fetchedAt().isAfter(first.fetchedAt()));
        assertEquals(1L, (long) app.database().read(c -> Sql.count(c, "select count(*) from actor where not local")));
    }

    @Test
    void aWebFingerWithoutASelfLinkIsNotFound() {
        remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                .willReturn(okForContentType("application/jrd+json", """
                {"subject": "acct:alice@%s", "links": [
                  {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": "%s"}]}""".formatted(host(), url("/@alice")))));

        var e = assertThrows(FetchException.class, () -> app.remoteActors().resolve("@alice@" + host()));
        assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    }

    @Test
    void aWebFingerSelfLinkThatIsNoUrlIsMalformed() {
        remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                .willReturn(okForContentType("application/jrd+json", """
                {"subject": "acct:alice@%s", "links": [
                  {"rel": "self", "type": "application/activity+json", "href": "http://exa mple.org/u/alice"}]}""".formatted(host()))));

        var e = assertThrows(FetchException.class, () -> app.remoteActors().resolve("@alice@" + host()));
        assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
    }

    @Test
    void anUnknownHandleIsNotFound() {
        remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                .willReturn(aResponse().withStatus(404)));

        var e = assertThrows(FetchException.class, () -> app.remoteActors().resolve("@nobody@" + host()));
        assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    }

    @Test
    void aDocumentThatIsNoActorIsMalformedAndNotStored() {
        var id = url("/notes/1");
        remote.stubFor(get("/notes/1").willReturn(okForContentType(AP, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Note",
                 "attributedTo": "%s", "content": "hello"}""".formatted(id, url("/u/alice")))));
        long before = actorRows();

        var e = assertThrows(FetchException.class, () -> app.remoteActors().byUri(URI.create(id)));
        assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        assertEquals(before, actorRows());
    }

    @Test
    void anActorThatIsGoneIsGone() {
        remote.stubFor(get("/u/alice").willReturn(aResponse().withStatus(410)));

        var e = assertThrows(FetchException.class, () -> app.remoteActors().byUri(URI.create(url("/u/alice"))));
        assertEquals(Reason.GONE, e.reason(), e.getMessage());
        assertEquals(410, e.status());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "alice",
                "@alice",
                "!group",
                "@alice@",
                "alice@@example.org",
                "a@b@c",
                "@alice@example.org/x",
                "@alice@example.org?x=1",
                "@alice@example.org#x",
                "@alice@exa mple.org",
                "@alice@user:pw@example.org",
                "mailto:alice@example.org",
                "ftp://example.org/u/alice",
                "http://exa mple.org/u/alice",
                "http://"
            })
    void anInvalidHandleIsRefusedWithoutARequest(String handle) {
        var refusal = assertThrows(Refusal.class, () -> app.remoteActors().resolve(handle));
        assertEquals(Refusal.Kind.INVALID, refusal.kind());
        assertEquals(0, remote.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void aRemoteDocumentCannotOverwriteOneOfOurActors() throws Exception {
        var ours = app.instanceActor();
        var keys = LocalKeys.generate(RANDOM);
        // WireMock claims to be our instance actor, with its own key.
        remote.stubFor(get("/actor")
                .willReturn(okForContentType(
                        AP,
                        actorJson("Application", "mallory", "/actor", keys)
                                .replace(url("/actor") + "\"", ours.uri() + "\""))));
        long before = actorRows();

        var e = assertThrows(FetchException.class, () -> app.remoteActors().byUri(URI.create(url("/actor"))));
        assertEquals(Reason.ORIGIN_MISMATCH, e.reason(), e.getMessage());
        assertEquals(before, actorRows());
        assertEquals(
                ours,
                app.database()
                        .read(c -> new ActorStore(app.ids()).findByUri(c, ours.uri()))
                        .orElseThrow());
    }

    @Test
    void aDocumentOnOurOwnOriginCannotReplaceOneOfOurActors() throws Exception {
        // Here WireMock stands where we are, as a misrouted or spoofed copy of our own domain would.
        var ownConfig = TestPostgres.config(Map.of("KINDRED_INSTANCE_DOMAIN", host()));
        try (var us = App.open(ownConfig)) {
            var ours = us.instanceActor();
            assertEquals(URI.create(url("/actor")), ours.uri());
            remote.stubFor(get("/impostor")
                    .willReturn(okForContentType(
                            AP, actorJson("Application", "mallory", "/actor", LocalKeys.generate(RANDOM)))));
            long before = us.database().read(c -> Sql.count(c, "select count(*) from actor"));

            // Asked for by its id, our actor is answered from the database without a fetch.
            assertEquals(ours, us.remoteActors().byUri(ours.uri()));
            var e = assertThrows(
                    FetchException.class, () -> us.remoteActors().fetchAndStore(URI.create(url("/impostor"))));
            assertEquals(Reason.ORIGIN_MISMATCH, e.reason(), e.getMessage());
            assertEquals(before, (long) us.database().read(c -> Sql.count(c, "select count(*) from actor")));
            assertEquals(
                    ours,
                    us.database()
                            .read(c -> new ActorStore(us.ids()).findByUri(c, ours.uri()))
                            .orElseThrow());
            assertEquals(0, fetchesOf("/actor"));
        } finally {
            TestPostgres.dropDatabase(ownConfig.database().url());
        }
    }
}
