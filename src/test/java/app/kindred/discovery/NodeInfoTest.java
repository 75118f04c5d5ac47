package app.kindred.discovery;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NodeInfo 2.0/2.1 discovery, the documents, and usage figures that count only what they claim to. */
class NodeInfoTest {
    private static final String SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/";

    @Test
    void theWellKnownDocumentLinksBothSchemasAndTheInstanceActor() {
        try (var server = TestServer.start()) {
            var response = server.get("/.well-known/nodeinfo");
            assertEquals(200, response.statusCode());
            assertEquals("application/json", mediaType(response));
            var links = json(response).get("links");
            assertEquals(server.base() + "/nodeinfo/2.0", href(links, SCHEMA + "2.0"));
            assertEquals(server.base() + "/nodeinfo/2.1", href(links, SCHEMA + "2.1"));
            // FEP-2677: the application actor, for servers that look for it here.
            var actor = href(links, "https://www.w3.org/ns/activitystreams#Application");
            assertEquals(server.base() + "/actor", actor);
            assertEquals("Application", server.activityJson(actor).get("type").asText());
            for (var link : links)
                assertEquals(200, server.get(link.get("href").asText()).statusCode(), link.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "2.1"})
    void theDocumentDescribesThisSoftwareAndFollowsTheConfig(String schema) {
        try (var server = TestServer.start(
                Map.of("KINDRED_INSTANCE_NAME", "Garden Club", "KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"))) {
            var response = server.get("/nodeinfo/" + schema);
            assertEquals(200, response.statusCode());
            assertEquals("application/json", mediaType(response));
            assertTrue(
                    response.headers().firstValue("Content-Type").orElseThrow().contains(SCHEMA + schema + "#"));
            var doc = json(response);
            assertEquals(schema, doc.get("version").asText());
            assertEquals("kindred", doc.get("software").get("name").asText());
            assertEquals(App.version(), doc.get("software").get("version").asText());
            assertNotEquals("unknown", App.version(), "the build writes the version into the jar");
            assertEquals(List.of("activitypub"), strings(doc.get("protocols")));
            assertTrue(doc.get("openRegistrations").booleanValue());
            assertEquals("Garden Club", doc.get("metadata").get("nodeName").asText());
        }
        try (var server = TestServer.start(
                Map.of("KINDRED_INSTANCE_NAME", "Quiet Corner", "KINDRED_INSTANCE_OPEN_REGISTRATIONS", "false"))) {
            var doc = json(server.get("/nodeinfo/" + schema));
            assertFalse(doc.get("openRegistrations").booleanValue());
            assertTrue(doc.get("openRegistrations").isBoolean());
            assertEquals("Quiet Corner", doc.get("metadata").get("nodeName").asText());
        }
    }

    @Test
    void usageCountsLocalAccountsPostsAndActivityHonestly() {
        try (var server = TestServer.start()) {
            var empty = json(server.get("/nodeinfo/2.1")).get("usage");
            assertEquals(0, empty.get("users").get("total").asLong(), "the instance actor is not a user");
            assertEquals(0, empty.get("localPosts").asLong());
            assertEquals(0, empty.get("localComments").asLong());

            var app = server.app();
            for (var name : List.of("ann", "ben", "cat"))
                app.members().create(name, "correct horse battery", Role.MEMBER);
            app.communities().create("allotment", "Allotment", "", "ann");
            var usage = json(server.get("/nodeinfo/2.1")).get("usage");
            assertEquals(3, usage.get("users").get("total").asLong(), "a community is not a user");
            assertEquals(3, usage.get("users").get("activeMonth").asLong());
            assertEquals(3, usage.get("users").get("activeHalfyear").asLong());

            long community = app.database()
                    .read(c -> Sql.one(c, "select id from community", rs -> rs.getLong(1)))
                    .orElseThrow();
            long ann = server.actorId("ann");
            long remote = app.database().transaction(c -> Sql.insert(c, """
                    insert into actor (uri, type, preferred_username, domain, local, inbox)
                    values ('https://remote.example/u/zed', 'Person', 'zed', 'remote.example', false,
                            'https://remote.example/u/zed/inbox') returning id"""));
            long thread = post(server, community, ann, null, true, false);
            post(server, community, ann, null, true, false);
            post(server, community, ann, null, true, true);
            post(server, community, ann, thread, true, false);
            post(server, community, ann, thread, true, false);
            post(server, community, ann, thread, true, false);
            post(server, community, ann, thread, true, true);
            long remoteThread = post(server, community, remote, null, false, false);
            post(server, community, remote, remoteThread, false, false);
            post(server, community, remote, thread, false, false);

            server.sql("update account set last_active_at = now() - interval '60 days' where username = 'ben'");
            server.sql("update account set last_active_at = now() - interval '200 days' where username = 'cat'");

            for (var schema : List.of("2.0", "2.1")) {
                var counted = json(server.get("/nodeinfo/" + schema)).get("usage");
                assertEquals(2, counted.get("localPosts").asLong(), "local threads, not deleted, not remote");
                assertEquals(3, counted.get("localComments").asLong(), "local comments, not deleted, not remote");
                assertEquals(3, counted.get("users").get("total").asLong());
                assertEquals(1, counted.get("users").get("activeMonth").asLong(), "ben and cat were away a month");
                assertEquals(2, counted.get("users").get("activeHalfyear").asLong(), "cat was away half a year");
            }
        }
    }

    private static int postCounter;

    /** Inserts a thread (parent null) or a comment on one. */
    private static long post(
            TestServer server, long community, long author, Long parent, boolean local, boolean deleted) {
        var uri = (local ? server.base() + "/post/" : "https://remote.example/post/") + (++postCounter);
        return server.app()
                .database()
                .transaction(c -> Sql.insert(
                        c,
                        """
                insert into post (uri, community_id, author_id, parent_id, thread_id, local, title, deleted_at)
                values (?, ?, ?, ?, ?, ?, ?, case when ? then now() end) returning id""",
                        uri,
                        community,
                        author,
                        parent,
                        parent,
                        local,
                        parent == null ? "A thread" : null,
                        deleted));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "2.1"})
    void theDocumentMeetsTheSchema(String schema) {
        try (var server = TestServer.start()) {
            server.app().members().create("ann", "correct horse battery", Role.MEMBER);
            assertMeetsSchema(json(server.get("/nodeinfo/" + schema)), schema);
        }
    }

    /**
     * The constraints of the NodeInfo schema (nodeinfo.diaspora.software/ns/schema/2.x): required
     * fields, their JSON types, closed objects, and the name pattern.
     */
    private static void assertMeetsSchema(JsonNode doc, String schema) {
        var text = doc.toString();
        assertKeys(
                doc,
                Set.of("version", "software", "protocols", "services", "openRegistrations", "usage", "metadata"),
                Set.of(),
                text);
        assertEquals(schema, doc.get("version").asText());

        var software = doc.get("software");
        assertKeys(
                software,
                Set.of("name", "version"),
                schema.equals("2.1") ? Set.of("repository", "homepage") : Set.of(),
                text);
        assertTrue(software.get("name").asText().matches("^[a-z0-9-]+$"), text);
        assertTrue(software.get("version").isTextual(), text);
        for (var optional : List.of("repository", "homepage")) {
            if (software.has(optional)) assertTrue(software.get(optional).isTextual(), text);
        }

        var protocols = doc.get("protocols");
        assertTrue(protocols.isArray() && protocols.size() >= 1, text);
        var known = Set.of(
                "activitypub",
                "buddycloud",
                "dfrn",
                "diaspora",
                "libertree",
                "ostatus",
                "pumpio",
                "tent",
                "xmpp",
                "zot");
        for (var p : protocols) assertTrue(known.contains(p.asText()), text);

        var services = doc.get("services");
        assertKeys(services, Set.of("inbound", "outbound"), Set.of(), text);
        assertTrue(services.get("inbound").isArray() && services.get("outbound").isArray(), text);

        assertTrue(doc.get("openRegistrations").isBoolean(), text);

        var usage = doc.get("usage");
        assertKeys(usage, Set.of("users"), Set.of("localPosts", "localComments"), text);
        var users = usage.get("users");
        assertTrue(users.isObject(), text);
        assertKeys(users, Set.of(), Set.of("total", "activeHalfyear", "activeMonth"), text);
        for (var count : List.of(
                users.path("total"),
                users.path("activeHalfyear"),
                users.path("activeMonth"),
                usage.path("localPosts"),
                usage.path("localComments"))) {
            if (!count.isMissingNode()) assertTrue(count.isIntegralNumber() && count.asLong() >= 0, text);
        }

        assertTrue(doc.get("metadata").isObject(), text);
    }

    private static void assertKeys(JsonNode object, Set<String> required, Set<String> optional, String doc) {
        assertTrue(object != null && object.isObject(), doc);
        var keys = new HashSet<String>();
        object.fieldNames().forEachRemaining(keys::add);
        assertTrue(keys.containsAll(required), "missing " + required + " in " + doc);
        var allowed = new HashSet<>(required);
        allowed.addAll(optional);
        assertTrue(allowed.containsAll(keys), "fields beyond " + allowed + " in " + doc);
    }

    private static String href(JsonNode links, String rel) {
        for (var link : links) {
            if (link.get("rel").asText().equals(rel)) return link.get("href").asText();
        }
        throw new AssertionError("no link " + rel + " in " + links);
    }

    private static List<String> strings(JsonNode array) {
        var out = new java.util.ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
