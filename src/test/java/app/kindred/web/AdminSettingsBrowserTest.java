package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admins' last pages in a real browser with JavaScript off (issue 15, admin7): someone applies
 * to join, is told their application waits, and an admin approves it from the queue; the instance
 * settings form, the applications queue, the sign-up page by application, the waiting page and a
 * member's page with their reports pass axe's WCAG 2.2 AA rules and fit 320 px.
 */
class AdminSettingsBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_REGISTRATIONS", "application"));
        var app = server.app();
        app.members().create("ada", PASSWORD, Role.ADMIN);
        app.members().create("mona", PASSWORD, Role.MEMBER);
        app.members().create("nat", PASSWORD, Role.MEMBER);
        app.members().create("carol", PASSWORD, Role.MEMBER);
        var peers =
                app.communities().create("peers", "Peer support", "", "mona").id();
        var post = app.threads()
                .startThread(
                        app.members().find("nat").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Cheap pills", "buy", null, null, null))
                .id();
        app.reports()
                .file(
                        app.members().find("carol").orElseThrow(),
                        new ReportService.Draft(post, null, Category.SPAM, null, "selling", false));
        app.moderation().remove(app.members().find("mona").orElseThrow(), post, "no selling here");
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    @Test
    void someoneAppliesIsToldItWaitsAndAnAdminApprovesIt() {
        browser.open("/signup");
        browser.type("#username", "wren");
        browser.type("#password", PASSWORD);
        browser.type("#answer", "My sister told me about this place");
        browser.clickAndLoad(browser.find("form[action='/signup'] button[type=submit]"));
        assertTrue(browser.find("#application-status").getText().contains("with the admins"));
        browser.open("/login");
        browser.type("#username", "wren");
        browser.type("#password", PASSWORD);
        browser.clickAndLoad(browser.find("form[action='/login'] button[type=submit]"));
        assertTrue(browser.find("#application-status").getText().contains("waiting"));

        browser.signIn("ada", PASSWORD);
        browser.open("/admin/applications");
        assertTrue(browser.find("#applications").getText().contains("My sister told me about this place"));
        browser.clickAndLoad(browser.find("form[action='/admin/applications/wren/approve'] button"));
        assertEquals(
                "The application is approved. They can sign in now.",
                browser.find("#done").getText());
        browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        browser.signIn("wren", PASSWORD);
        browser.open("/");
        assertTrue(
                browser.find("header").getText().contains("wren"),
                browser.find("header").getText());
    }

    @Test
    void theNewPagesPassAxeAndFit320Pixels() {
        var failures = scanner.findings();
        failures.scan("/signup");
        scanner.open("/signup");
        scanner.type("#username", "quill");
        scanner.type("#password", PASSWORD);
        scanner.clickAndLoad(scanner.find("form[action='/signup'] button[type=submit]"));
        assertEquals("answer-hint answer-error", scanner.find("#answer").getAttribute("aria-describedby"));
        failures.check("/signup (no answer)");
        scanner.type("#password", PASSWORD);
        scanner.type("#answer", "I am new here");
        scanner.clickAndLoad(scanner.find("form[action='/signup'] button[type=submit]"));
        failures.check("/signup/applied");
        scanner.open("/login");
        scanner.type("#username", "quill");
        scanner.type("#password", PASSWORD);
        scanner.clickAndLoad(scanner.find("form[action='/login'] button[type=submit]"));
        failures.check("/login (an application that waits)");

        scanner.signIn("ada", PASSWORD);
        for (var path :
                List.of("/admin", "/admin/instance", "/admin/applications", "/admin/members/nat", "/notifications"))
            failures.scan(path);
        scanner.open("/admin/instance");
        // Emptied (the field's maxlength keeps a browser from sending a name too long).
        scanner.type("#name", "");
        scanner.clickAndLoad(scanner.find("form[action='/admin/instance'] button[type=submit]"));
        assertEquals("name-hint name-error", scanner.find("#name").getAttribute("aria-describedby"));
        failures.check("/admin/instance (no name)");
        scanner.darkScheme(true);
        try {
            for (var path : List.of("/admin/instance", "/admin/applications", "/admin/members/nat"))
                failures.scan(path + "#dark");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
