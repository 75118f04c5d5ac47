package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.audit.AuditLog;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: sign-up by application (the page, the admins' queue, the API) and the instance's
 * settings changed from /admin/instance, stored in the database over config/kindred.toml.
 */
class RegistrationsTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "KINDRED_INSTANCE_REGISTRATIONS",
                "application",
                "KINDRED_INSTANCE_APPLICATION_QUESTION",
                "What brings you here?"));
        server.app().members().create("ada", PASSWORD, Role.ADMIN);
        server.app().members().create("mel", PASSWORD, Role.MEMBER);
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

    private static HttpResponse<String> logIn(WebClient web, String name) {
        return web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"));
    }

    @Test
    void anApplicantAnswersTheQuestionWaitsAndIsApprovedOrRefusedByAnAdmin() {
        var visitor = new WebClient(server);
        var page = Jsoup.parse(visitor.get("/signup").body());
        assertEquals(
                "What brings you here?", page.selectFirst("label[for=answer]").text());

        // No answer: the form comes back with the name kept and the problem by the field.
        var empty = visitor.submit("/signup", "/signup", Map.of("username", "wren", "password", PASSWORD));
        assertEquals(422, empty.statusCode());
        var again = Jsoup.parse(empty.body());
        assertEquals("wren", again.selectFirst("#username").val());
        assertNotNull(again.selectFirst("#answer-error"), again.select("form").html());
        assertEquals(0, count("select count(*) from account where username = 'wren'"));

        var sent = visitor.submit(
                "/signup", "/signup", Map.of("username", "wren", "password", PASSWORD, "answer", "I lost my dad"));
        assertEquals(303, sent.statusCode(), sent.body());
        assertEquals("/signup/applied", sent.headers().firstValue("Location").orElseThrow());
        var notified = "select count(*) from notification n join account a on a.id = n.account_id where a.username = ?"
                + " and n.kind = 'application' and n.applicant_id = (select id from account where username = 'wren')";
        assertEquals(1, count(notified, "ada"), "the admin is told");
        assertEquals(0, count(notified, "mel"), "a member is not");

        // Signing in says it waits, kindly, and makes no session.
        var waiting = logIn(new WebClient(server), "wren");
        assertEquals(403, waiting.statusCode());
        assertTrue(Jsoup.parse(waiting.body())
                .selectFirst("#application-status")
                .text()
                .contains("waiting"));
        // A wrong password learns nothing of the application.
        var wrong = new WebClient(server)
                .submit("/login", "/login", Map.of("username", "wren", "password", "not the password", "next", "/"));
        assertEquals(401, wrong.statusCode());
        assertNull(Jsoup.parse(wrong.body()).selectFirst("#application-status"));

        var admin = signedIn("ada");
        // The notification names the applicant, so an admin with several knows which one it is.
        var told = Jsoup.parse(admin.get("/notifications").body()).select("a[href=/admin/applications]");
        assertEquals(1, told.size(), told.outerHtml());
        assertEquals("wren applied for an account. Their application waits for an admin.", told.text());
        var queue = Jsoup.parse(admin.get("/admin/applications").body());
        assertTrue(queue.selectFirst("#applications").text().contains("I lost my dad"));
        var approved = admin.submit("/admin/applications", "/admin/applications/wren/approve", Map.of());
        assertEquals(303, approved.statusCode());
        assertEquals(303, logIn(new WebClient(server), "wren").statusCode(), "approved: signs in");
        assertEquals(
                409,
                admin.submit("/admin/applications", "/admin/applications/wren/approve", Map.of())
                        .statusCode());

        // Refused with a reason the applicant reads when they sign in.
        visitor.submit("/signup", "/signup", Map.of("username", "sly", "password", PASSWORD, "answer", "ads"));
        var tooLong = admin.submit(
                "/admin/applications", "/admin/applications/sly/refuse", Map.of("reason", "x".repeat(1001)));
        assertEquals(422, tooLong.statusCode());
        var kept = Jsoup.parse(tooLong.body());
        assertEquals("x".repeat(1001), kept.selectFirst("#reason-sly").text());
        assertNotNull(kept.selectFirst("#reason-sly-error"));
        admin.submit(
                "/admin/applications",
                "/admin/applications/sly/refuse",
                Map.of("reason", "This space is for peer support, not selling."));
        var refused = logIn(new WebClient(server), "sly");
        assertEquals(403, refused.statusCode());
        assertTrue(
                Jsoup.parse(refused.body())
                        .selectFirst("#application-status")
                        .text()
                        .contains("This space is for peer support, not selling."),
                refused.body());
        assertEquals(
                List.of("application.approve", "application.refuse"),
                new AuditLog(server.app().database())
                        .recent(50).stream()
                                .filter(e ->
                                        e.target().equals("wren") || e.target().equals("sly"))
                                .map(e -> e.action())
                                .sorted()
                                .toList());
    }

    @Test
    void theApiAppliesListsAndApproves() throws Exception {
        var applied = api("POST", "/api/v1/accounts", null, """
                {"username":"ivy","password":"%s","answer":"A friend sent me"}""".formatted(PASSWORD));
        assertEquals(202, applied.statusCode(), applied.body());
        var login = api("POST", "/api/v1/auth/login", null, """
                {"username":"ivy","password":"%s"}""".formatted(PASSWORD));
        assertEquals(403, login.statusCode());
        assertTrue(login.body().contains("waiting"), login.body());

        var token = TestServer.json(api("POST", "/api/v1/auth/login", null, """
                        {"username":"ada","password":"%s"}""".formatted(PASSWORD)))
                .get("token")
                .asText();
        var list = api("GET", "/api/v1/admin/applications", token, null);
        assertTrue(list.body().contains("A friend sent me"), list.body());
        var memberToken = TestServer.json(api("POST", "/api/v1/auth/login", null, """
                        {"username":"mel","password":"%s"}""".formatted(PASSWORD)))
                .get("token")
                .asText();
        assertEquals(
                403, api("GET", "/api/v1/admin/applications", memberToken, null).statusCode());
        assertEquals(
                403,
                api("POST", "/api/v1/admin/applications/ivy/approve", memberToken, "")
                        .statusCode());
        assertEquals(
                204,
                api("POST", "/api/v1/admin/applications/ivy/approve", token, "").statusCode());
        assertEquals(
                200,
                api("POST", "/api/v1/auth/login", null, """
                        {"username":"ivy","password":"%s"}""".formatted(PASSWORD)).statusCode());
    }

    @Test
    void anAdminChangesTheInstanceSettingsWhichOverrideTheFileAndAreAudited() throws Exception {
        var admin = signedIn("ada");
        var page = Jsoup.parse(admin.get("/admin/instance").body());
        assertEquals("Kindred", page.selectFirst("#name").val());
        assertTrue(page.selectFirst("#name-hint").text().contains("configuration file"));

        // Too long: nothing is stored, the text is kept and the problem is by the field.
        var bad = admin.submit(
                "/admin/instance",
                "/admin/instance",
                Map.of(
                        "name", "n".repeat(101),
                        "description", "A quiet place",
                        "rules", "",
                        "registrations", "application",
                        "application_question", "What brings you here?"));
        assertEquals(422, bad.statusCode());
        var form = Jsoup.parse(bad.body());
        assertEquals("n".repeat(101), form.selectFirst("#name").val());
        assertNotNull(form.selectFirst("#name-error"));
        assertEquals("A quiet place", form.selectFirst("#description").text());
        assertEquals(0, count("select count(*) from instance_setting"));
        // By application needs a question.
        var noQuestion = admin.submit(
                "/admin/instance",
                "/admin/instance",
                Map.of(
                        "name",
                        "Kindred",
                        "description",
                        "",
                        "rules",
                        "",
                        "registrations",
                        "application",
                        "application_question",
                        " "));
        assertEquals(422, noQuestion.statusCode());
        assertNotNull(Jsoup.parse(noQuestion.body()).selectFirst("#application_question-error"));
        // Without the form's token nothing changes.
        var forged = admin.post("/admin/instance", Map.of("name", "Forged", "registrations", "open"));
        assertEquals(403, forged.statusCode());
        assertEquals(0, count("select count(*) from instance_setting"));

        var saved = admin.submit(
                "/admin/instance",
                "/admin/instance",
                Map.of(
                        "name", "Quiet Harbour",
                        "description", "Peer support for carers",
                        "rules", "Be kind\nNo selling",
                        "registrations", "closed",
                        "application_question", "What brings you here?"));
        assertEquals(303, saved.statusCode(), saved.body());
        // Only what changed is stored here; the question still follows the file.
        assertEquals(4, count("select count(*) from instance_setting"));
        var after = Jsoup.parse(admin.get("/admin/instance").body());
        assertTrue(after.selectFirst("#name-hint").text().contains("Set here"));
        assertTrue(after.selectFirst("#application_question-hint").text().contains("configuration file"));
        // At once, on every page and in NodeInfo, and sign-up is closed.
        assertTrue(Jsoup.parse(new WebClient(server).get("/").body())
                .select("header")
                .text()
                .contains("Quiet Harbour"));
        var nodeinfo = TestServer.json(server.get("/nodeinfo/2.1"));
        assertEquals("Quiet Harbour", nodeinfo.at("/metadata/nodeName").asText());
        assertFalse(nodeinfo.get("openRegistrations").asBoolean());
        assertEquals(
                403,
                new WebClient(server)
                        .post("/signup", Map.of("username", "late", "password", PASSWORD, "answer", "hi"))
                        .statusCode());
        assertEquals(0, count("select count(*) from account where username = 'late'"));
        assertTrue(new AuditLog(server.app().database())
                .recent(20).stream().anyMatch(e -> e.action().equals("instance.settings")));

        // Back to the file's value for the way of joining.
        assertEquals(
                303,
                admin.submit("/admin/instance", "/admin/instance/reset", Map.of("key", "registrations"))
                        .statusCode());
        assertEquals(
                "application",
                server.app().instanceSettings().current().registrations().wire());
        // The rules show on the sign-up page, one a line.
        var signup = Jsoup.parse(new WebClient(server).get("/signup").body());
        assertEquals(
                List.of("Be kind", "No selling"),
                signup.select("#instance-rules + ol li").eachText());
        // Put the name back for the other tests.
        server.app().instanceSettings().reset("ada", "name");
    }

    @Test
    void onlyAdminsOpenTheSettingsAndApplicationsOrActFromThem() {
        for (var who : new String[] {null, "mel"}) {
            var web = who == null ? new WebClient(server) : signedIn(who);
            int page = who == null ? 303 : 403;
            assertEquals(page, web.get("/admin/instance").statusCode(), who);
            assertEquals(page, web.get("/admin/applications").statusCode(), who);
            var token = who == null ? "" : web.token("/settings");
            for (var act : List.of(
                    "/admin/instance",
                    "/admin/instance/reset",
                    "/admin/applications/x/approve",
                    "/admin/applications/x/refuse"))
                assertEquals(
                        page,
                        web.post(act, Map.of("csrf", token, "name", "Taken", "key", "name"))
                                .statusCode(),
                        who + " " + act);
        }
        assertEquals(0, count("select count(*) from instance_setting where value = 'Taken'"));
    }

    private static HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.base() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
