package app.kindred.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A private community in a real browser with JavaScript off (issue 17): a member applies with their
 * answer, a moderator approves them on the applications page, and the member reads the thread and
 * replies. The join page (empty, with a problem, waiting) and the applications page pass axe's WCAG
 * 2.2 AA rules and fit 320 px.
 */
class PrivateCommunityBrowserTest {
    // ApiClient signs in with this one.
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Browser member, moderator, scanner;
    private static long thread;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        for (var name : List.of("keeper", "robin", "ash"))
            server.app().members().create(name, PASSWORD, Role.MEMBER);
        var api = new ApiClient(server);
        var keeper = api.logIn("keeper");
        long haven = api.community(keeper, "haven");
        api.patch(
                "/api/v1/communities/" + haven,
                Map.of("visibility", "private", "application_questions", List.of("What brings you here?")),
                keeper);
        thread = ApiClient.body(api.post(
                        "/api/v1/communities/" + haven + "/threads",
                        Map.of("title", "Welcome, all of you", "body", "Say hello when you are ready."),
                        keeper))
                .get("id")
                .asLong();
        member = new Browser(server.base(), false);
        moderator = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
        member.signIn("robin", PASSWORD);
        moderator.signIn("keeper", PASSWORD);
        scanner.signIn("ash", PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(member, moderator, scanner, server);
    }

    @Test
    void applyWithAnAnswerBeApprovedThenReadAndReply() {
        member.open("/c/haven/join");
        assertEquals("What brings you here?", member.find("label[for=answer1]").getText());
        member.type("#answer1", "My father died last spring.");
        member.clickAndLoad(member.find("main form button[type=submit]"));
        assertTrue(member.find("main").getText().contains("waiting for a moderator"));

        moderator.open("/c/haven/requests");
        var robin = moderator.all("main li").stream()
                .filter(li -> li.findElement(By.tagName("h2")).getText().equals("robin"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "My father died last spring.",
                robin.findElement(By.tagName("dd")).getText());
        moderator.clickAndLoad(robin.findElement(By.cssSelector("form[action$='/approve'] button")));
        assertTrue(moderator.find("main").getText().contains("They are a member now."));

        member.open("/p/" + thread);
        assertTrue(member.find("main").getText().contains("Say hello when you are ready."));
        member.open("/p/" + thread + "/reply");
        member.type("#body", "Hello. Thank you for having me.");
        member.clickAndLoad(member.find("form[action$='/reply'] button[type=submit]"));
        assertTrue(member.find("main").getText().contains("Hello. Thank you for having me."));
    }

    @Test
    void theNewPagesPassAxeAndFitANarrowScreen() {
        var findings = scanner.findings();
        findings.scan("/c/haven/join");
        scanner.clickAndLoad(scanner.find("main form button[type=submit]"));
        findings.check("the join page with an unanswered question");
        scanner.type("#answer1", "A friend told me about it.");
        scanner.clickAndLoad(scanner.find("main form button[type=submit]"));
        findings.check("the join page, waiting");
        var keeper = new Browser(server.base(), true);
        try {
            keeper.signIn("keeper", PASSWORD);
            var moderatorFindings = keeper.findings();
            moderatorFindings.scan("/c/haven/requests");
            moderatorFindings.assertNone();
        } finally {
            keeper.close();
        }
        findings.assertNone();
    }
}
