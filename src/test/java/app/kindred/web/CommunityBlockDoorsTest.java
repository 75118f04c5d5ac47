package app.kindred.web;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.federation.RemotePeer;
import app.kindred.member.Role;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A remote member's thread in our community, seen from both sides of a per-community block (issue
 * 15): before it, a report about the thread is forwarded to the author's server from the report's
 * page, as a Flag that names no reporter; after the moderators block the author from the
 * settings page, the author's edit of that thread and their report of a post there are refused at
 * the inbox, as {@code CommunityBlocks} promises, and the thread stays as it was.
 */
class CommunityBlockDoorsTest {
    private static final String PASSWORD = "a calm long passphrase";

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of("KINDRED_DELIVERY_TIME_SCALE", "0.001", "KINDRED_DELIVERY_POLL_INTERVAL", "50ms"));
        server.app().startWorkers();
        server.app().members().create("mona", PASSWORD, Role.MEMBER);
        server.app().members().create("carol", PASSWORD, Role.MEMBER);
        server.app().communities().create("circle", "Circle", "", "mona");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static long count(String sql, Object... params) {
        return server.app().database().read(c -> Sql.count(c, sql, params));
    }

    /** Sends the activity and waits until the inbox has decided it: "done", or "refused ..." with why. */
    private static String deliver(RemotePeer peer, String group, String activity, String id) throws Exception {
        var response = RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, activity, peer.cavage());
        assertEquals(202, response.statusCode(), response.body());
        var state = new String[1];
        eventually(() -> {
            state[0] = RemotePeer.inboundOutcome(server.app(), id);
            assertFalse(state[0].startsWith("pending"), state[0]);
        });
        return state[0];
    }

    @Test
    void aReportIsForwardedFromItsPageAndABlockedAuthorsEditAndReportAreRefused() throws Exception {
        remote.stubFor(post(urlMatching("/.*")).willReturn(aResponse().withStatus(202)));
        var writer = RemotePeer.serve(remote, "writer");
        var group = server.base() + "/c/circle";
        var note = writer.id() + "/notes/1";
        var createId = writer.activityId();
        var create = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Create", "actor": "%s",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"],
                 "object": {"id": "%s", "type": "Page", "name": "Selling things", "content": "<p>buy</p>",
                            "attributedTo": "%s", "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"],
                            "audience": "%s"}}""".formatted(createId, writer.id(), group, note, writer.id(), group, group);
        assertEquals("done", deliver(writer, group, create, createId).strip());
        long postId = count("select id from post where uri = ?", note);

        // A moderator on another server, added by the address of their actor and listed as remote; then removed.
        var mona0 = signedIn("mona");
        var added =
                mona0.submit("/c/circle/settings", "/c/circle/settings/moderators", Map.of("moderator", writer.id()));
        assertEquals(303, added.statusCode(), added.body());
        var listed = Jsoup.parse(mona0.get("/c/circle/settings").body())
                .selectFirst("#moderators")
                .parent();
        assertTrue(listed.text().contains("writer@127.0.0.1"), listed.text());
        assertTrue(listed.text().contains("(on another server)"), listed.text());
        assertEquals(
                303,
                mona0.submit("/c/circle/settings", "/c/circle/settings/moderators/remove", Map.of("actor", writer.id()))
                        .statusCode());
        assertEquals(1, count("select count(*) from community_moderator m join community c on c.id = m.community_id"));

        // Carol reports it; mona forwards the report to the writer's server from its page.
        var app = server.app();
        long report = app.reports()
                .file(
                        app.members().find("carol").orElseThrow(),
                        new ReportService.Draft(postId, null, Category.SPAM, null, "an advert", false))
                .report()
                .id();
        var mona = signedIn("mona");
        var page = Jsoup.parse(mona.get("/mod/reports/" + report).body());
        var button = page.selectFirst("form[action=/mod/reports/" + report + "/forward] button");
        assertNotNull(button, page.select("section[aria-labelledby=act]").html());
        assertTrue(button.text().startsWith("Send this report to 127.0.0.1"), button.text());
        var forwarded = mona.submit("/mod/reports/" + report, "/mod/reports/" + report + "/forward", Map.of());
        assertEquals(303, forwarded.statusCode(), forwarded.body());
        var writerInbox = URI.create(writer.id()).getPath() + "/inbox";
        eventually(() -> assertTrue(
                remote.findAll(postRequestedFor(urlEqualTo(writerInbox))).stream()
                        .map(r -> r.getBodyAsString())
                        .anyMatch(b -> b.contains("\"Flag\"") && b.contains(note) && !b.contains("carol")),
                "a Flag naming the post and no reporter reached the writer's server"));
        var after = Jsoup.parse(mona.get("/mod/reports/" + report).body());
        assertNotNull(after.selectFirst("#forwarded"));
        assertNull(after.selectFirst("form[action=/mod/reports/" + report + "/forward]"), "sent once");

        // Mona blocks the writer in this community, from the settings page.
        var blocked = mona.submit(
                "/c/circle/settings",
                "/c/circle/settings/blocks",
                Map.of("block_target", writer.id(), "block_reason", "selling"));
        assertEquals(303, blocked.statusCode(), blocked.body());

        // Their edit of their own thread is refused at the inbox; the thread keeps its words.
        var updateId = writer.activityId();
        var update = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Update", "actor": "%s",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"],
                 "object": {"id": "%s", "type": "Page", "name": "Selling more", "content": "<p>buy more</p>",
                            "attributedTo": "%s", "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"],
                            "audience": "%s", "updated": "2030-01-01T00:00:00Z"}}""".formatted(updateId, writer.id(), group, note, writer.id(), group, group);
        var edit = deliver(writer, group, update, updateId);
        assertFalse(edit.strip().equals("done"), edit);
        assertTrue(edit.contains("blocked"), edit);
        assertEquals("Selling things", app.threads().find(postId).orElseThrow().title());

        // Their report of a post in the community is refused too, and files nothing.
        long reports = count("select count(*) from report_filing");
        var flagId = writer.activityId();
        var flag = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Flag", "actor": "%s",
                 "object": ["%s"], "content": "please look"}""".formatted(flagId, writer.id(), note);
        var filed = deliver(writer, group, flag, flagId);
        assertFalse(filed.strip().equals("done"), filed);
        assertTrue(filed.contains("blocked"), filed);
        assertEquals(reports, count("select count(*) from report_filing"));
    }
}
