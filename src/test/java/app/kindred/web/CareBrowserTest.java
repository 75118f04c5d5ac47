package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.care.CrisisResource;
import app.kindred.care.HoldPosts;
import app.kindred.care.WarningPolicy;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Care in a real browser with JavaScript off (issue 16): the composer shows the community's
 * content-warning policy, refuses a post that breaks it with the reason next to the warning field
 * and the text kept; a held post is marked for its author; the help page lists the community's and
 * the instance's crisis resources, reached from a sensitive community's header; a moderator changes
 * the care settings and lets a held post through. Every page passes axe's WCAG 2.2 AA rules.
 */
class CareBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"));
        var app = server.app();
        var alice = app.members().create("alice", PASSWORD, Role.ADMIN);
        app.members().create("sam", PASSWORD, Role.MEMBER);
        var hard = app.communities().create("hard_days", "Hard days", "For the days that are heavy.", "alice");
        server.sql("update community set sensitive = true where id = ?", hard.id());
        app.moderation()
                .editCare(
                        alice,
                        hard.id(),
                        new ModerationService.CareSettings(
                                new WarningPolicy(
                                        WarningPolicy.Mode.TOPICS,
                                        List.of(new WarningPolicy.Topic("self-harm", List.of("cutting")))),
                                HoldPosts.NONE,
                                null));
        app.moderation()
                .setCrisisResources(
                        alice,
                        hard.id(),
                        List.of(new CrisisResource("Hard days peer line", "0800 000 111", "evenings", "UK", "en")));
        app.care()
                .setInstanceResources(
                        alice, List.of(new CrisisResource("Samaritans", "116 123", "24/7", "UK and Ireland", "en")));
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    @Test
    void theComposerShowsThePolicyRefusesWithTheReasonAndAHeldPostWaitsForAModerator() {
        // Help is one click away from the sensitive community, with its own resources and the instance's.
        browser.open("/c/hard_days");
        browser.clickAndLoad(browser.find("header.site .help-now a"));
        var help = browser.find("main").getText();
        assertTrue(help.contains("Hard days peer line"), help);
        assertTrue(help.contains("0800 000 111"), help);
        assertTrue(help.contains("Samaritans"), help);
        assertTrue(browser.find("footer.site a[href='/help']").isDisplayed());
        browser.open("/signup");
        assertTrue(browser.find("main a[href='/help']").isDisplayed(), "sign-up links to help");

        browser.signIn("sam", PASSWORD);
        browser.open("/c/hard_days/new");
        var aside = browser.find("aside").getText();
        assertTrue(aside.contains("self-harm"), aside);
        browser.type("#title", "Tonight");
        browser.type("#body", "I keep thinking about cutting.");
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertEquals("I keep thinking about cutting.", browser.find("#body").getAttribute("value"));
        assertTrue(browser.find("#content_warning-error").getText().contains("self-harm"));
        assertEquals("#content_warning", browser.find(".error-summary a").getAttribute("hash"));
        browser.type("#content_warning", "self-harm");
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertEquals("Tonight", browser.find("h1").getText());

        // With every post held, sam's next thread is marked for sam and absent for others.
        var app = server.app();
        var alice = app.members().find("alice").orElseThrow();
        long hard = app.communities().find("hard_days").orElseThrow().id();
        app.moderation().editCare(alice, hard, new ModerationService.CareSettings(null, HoldPosts.ALL, null));
        browser.open("/c/hard_days/new");
        browser.type("#title", "Small win");
        browser.type("#body", "I went outside today.");
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertTrue(browser.find(".held").getText().contains("Waiting for a moderator"));
        var held = browser.driver.getCurrentUrl();
        scanner.open("/c/hard_days");
        assertFalse(scanner.find("main").getText().contains("Small win"));

        // Alice lets it through from the queue, and changes the settings back.
        browser.signIn("alice", PASSWORD);
        browser.open("/c/hard_days/held");
        assertTrue(browser.find("main").getText().contains("Small win"));
        browser.clickAndLoad(browser.find("form[action$='/approve'] button"));
        assertEquals("No posts are waiting.", browser.find("main p").getText());
        browser.open(held.replace(server.base(), ""));
        assertTrue(browser.all(".held").isEmpty());
        browser.open("/c/hard_days/care");
        assertTrue(browser.find("#hold-all").isSelected());
        browser.find("label[for=hold-none]").click();
        browser.clickAndLoad(browser.find("form[action$='/care'] button[type=submit]"));
        assertTrue(browser.find("main [role=status]").isDisplayed());
        assertEquals(HoldPosts.NONE, app.care().community(hard).hold());
        assertEquals("self-harm: cutting", browser.find("#topics").getAttribute("value"));
        // A resource without a way to reach it comes back with the message by the field.
        browser.type("#resources", "A line without a number");
        browser.clickAndLoad(browser.find("form[action$='/care'] button[type=submit]"));
        assertTrue(browser.find("#resources-error").getText().contains("contact"));
        assertEquals("A line without a number", browser.find("#resources").getAttribute("value"));
    }

    @Test
    void everyCarePagePassesAxe() {
        var failures = scanner.findings();
        for (var path : List.of("/help", "/help?c=hard_days", "/signup")) failures.scan(path);
        scanner.signIn("alice", PASSWORD);
        for (var path : List.of("/c/hard_days/care", "/c/hard_days/held", "/c/hard_days/new", "/help?c=hard_days"))
            failures.scan(path);
        scanner.open("/c/hard_days/new");
        scanner.type("#title", "Tonight");
        scanner.type("#body", "Thinking about cutting.");
        scanner.clickAndLoad(scanner.find("button[name=publish]"));
        failures.check("/c/hard_days/new (the policy refused it)");
        scanner.open("/c/hard_days/care");
        scanner.type("#first_posts", "0");
        scanner.clickAndLoad(scanner.find("form[action$='/care'] button[type=submit]"));
        assertFalse(scanner.all(".error-summary").isEmpty());
        failures.check("/c/hard_days/care (a problem)");
        var app = server.app();
        var alice = app.members().find("alice").orElseThrow();
        long hard = app.communities().find("hard_days").orElseThrow().id();
        app.moderation().editCare(alice, hard, new ModerationService.CareSettings(null, HoldPosts.ALL, null));
        var sam = app.members().find("sam").orElseThrow();
        var post = app.threads()
                .startThread(
                        sam, hard, new app.kindred.thread.ThreadService.Draft("Waiting", "words", null, null, null));
        failures.scan("/c/hard_days/held");
        failures.scan("/p/" + post.id());
        app.moderation().editCare(alice, hard, new ModerationService.CareSettings(null, HoldPosts.NONE, null));
        scanner.darkScheme(true);
        try {
            failures.scan("/help?c=hard_days#dark");
            failures.scan("/p/" + post.id() + "#dark");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
