package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admins' workspace in a real browser with JavaScript off (issue 15): an admin suspends a
 * domain after reading what it cuts, checks a blocklist before importing it, and suspends a member
 * from a confirmation page. Every admin page, its confirmations and its forms with problems pass
 * axe's WCAG 2.2 AA rules and fit 320 px, in the light and the dark scheme.
 */
class AdminPagesBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        app.members().create("ada", PASSWORD, Role.ADMIN);
        app.members().create("river", PASSWORD, Role.MEMBER);
        app.members().create("sage", PASSWORD, Role.MEMBER);
        // A moderator's note about river, so the member page's notes are scanned too.
        var circle = app.communities().create("circle", "Circle", "", "ada").id();
        app.moderation()
                .notes()
                .add(app.members().find("ada").orElseThrow(), circle, "river", "Asked for a quieter week; check in.");
        server.sql("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://rough.example/u/pat', 'Person', 'pat', 'rough.example', false,
                        'https://rough.example/u/pat/inbox', now())""");
        server.sql("""
                insert into follow (follower_id, followed_id, state) select r.id, l.id, 'accepted'
                from actor r, actor l where r.domain = 'rough.example' and l.local and l.preferred_username = 'river'""");
        server.sql("""
                insert into host_health (host, failing_since, unavailable, last_error)
                values ('slow.example', now() - interval '2 hours', false, 'HTTP 503 from the inbox')""");
        server.sql("""
                insert into outbound_activity (activity_id, actor_id, body)
                select 'https://kindred.test/activities/b-1', id, '{}' from actor where local limit 1""");
        server.sql("""
                insert into delivery (outbound_id, inbox, host, state, attempts, last_error)
                select id, 'https://slow.example/inbox', 'slow.example', 'queued', 3, 'HTTP 503 from the inbox'
                from outbound_activity""");
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    @Test
    void anAdminSuspendsADomainAfterSeeingWhatItCutsAndChecksABlocklistBeforeImportingIt() {
        browser.signIn("ada", PASSWORD);
        try {
            browser.open("/admin");
            assertEquals("Admin", browser.find("h1").getText());
            browser.clickAndLoad(browser.find("a[href='/admin/federation']"));
            var slow = browser.find("li.host-backing_off");
            assertTrue(slow.getText().contains("slow.example"), slow.getText());
            assertTrue(slow.getText().contains("Backing off: retrying later"), slow.getText());
            browser.screenshot("admin-federation", 390);
            browser.screenshot("admin-federation", 1280);
            browser.clickAndLoad(browser.find("li.host-backing_off button"));
            assertEquals(
                    "Waiting deliveries to that server will be tried again now.",
                    browser.find("main [role=status]").getText());

            browser.open("/admin/domains");
            browser.type("#domain", "rough.example");
            browser.find("#severity").click();
            browser.type("#reason", "harassment of our members");
            browser.clickAndLoad(browser.find("form[action='/admin/domains/block'] button[type=submit]"));
            assertEquals("Suspend rough.example?", browser.find("h1").getText());
            assertTrue(browser.find("ul.preview").getText().contains("1 follow from there of our members"));
            browser.screenshot("admin-suspend-preview", 390);
            browser.clickAndLoad(browser.find("button.danger"));
            assertEquals(
                    "The block is in place.", browser.find("main [role=status]").getText());
            assertTrue(browser.find("main").getText().contains("rough.example"));

            browser.clickAndLoad(browser.find("a[href='/admin/domains/import']"));
            browser.type("#blocklist", "#domain,#severity\nspam.example,suspend\nrough.example,suspend\n");
            browser.clickAndLoad(browser.find("form[action='/admin/domains/import'] button"));
            var fates = browser.all("ol.import-lines li").stream()
                    .map(li -> li.getAttribute("class"))
                    .toList();
            assertEquals(List.of("card fate-skip", "card fate-add", "card fate-same"), fates);
            browser.clickAndLoad(browser.find("form[action='/admin/domains/import/apply'] button"));
            assertEquals(
                    "The blocklist is imported.",
                    browser.find("main [role=status]").getText());
            assertTrue(browser.find("main").getText().contains("spam.example"));
        } finally {
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
    }

    @Test
    void anAdminSuspendsAMemberFromAConfirmationPage() {
        browser.signIn("ada", PASSWORD);
        try {
            browser.open("/admin/members");
            browser.type("#q", "sag");
            browser.clickAndLoad(browser.find("form[role=search] button"));
            browser.clickAndLoad(browser.find("a[href='/admin/members/sage']"));
            browser.clickAndLoad(browser.find("a[href='/admin/members/sage/suspend']"));
            assertEquals("Suspend sage?", browser.find("h1").getText());
            browser.clickAndLoad(browser.find("button.danger"));
            assertEquals("reason-hint reason-error", browser.find("#reason").getAttribute("aria-describedby"));
            browser.type("#reason", "selling things in every community");
            browser.clickAndLoad(browser.find("button.danger"));
            assertEquals(
                    "The member is suspended and signed out everywhere.",
                    browser.find("main [role=status]").getText());
            assertTrue(browser.find("#member-standing").getText().startsWith("Suspended since"));
            browser.open("/admin/audit");
            assertTrue(browser.find("ol.audit").getText().contains("member.suspend"));
        } finally {
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
    }

    @Test
    void everyAdminPagePassesAxeAndFits320Pixels() {
        var failures = scanner.findings();
        scanner.signIn("ada", PASSWORD);
        for (var path : List.of(
                "/admin",
                "/admin/federation",
                "/admin/federation?activity=https://kindred.test/activities/b-1",
                "/admin/federation?activity=https://nowhere.example/1",
                "/admin/domains",
                "/admin/domains/import",
                "/admin/members",
                "/admin/members?q=zzz",
                "/admin/members/river",
                "/admin/members/river/suspend",
                "/admin/instance",
                "/admin/resources",
                "/admin/audit")) {
            failures.scan(path);
        }
        // Forms that come back with their problem by the field.
        scanner.open("/admin/domains");
        scanner.type("#domain", "not a domain!");
        scanner.clickAndLoad(scanner.find("form[action='/admin/domains/block'] button[type=submit]"));
        assertEquals("domain-hint domain-error", scanner.find("#domain").getAttribute("aria-describedby"));
        failures.check("/admin/domains (a domain that is not one)");
        scanner.open("/admin/domains");
        scanner.type("#domain", "quiet.example");
        scanner.find("#severity").click();
        scanner.clickAndLoad(scanner.find("form[action='/admin/domains/block'] button[type=submit]"));
        failures.check("/admin/domains/block (the suspend preview)");
        scanner.open("/admin/domains/import");
        scanner.type("#blocklist", "#domain,#severity\nnot a domain,suspend\n");
        scanner.clickAndLoad(scanner.find("form[action='/admin/domains/import'] button"));
        failures.check("/admin/domains/import (a line that cannot be read)");
        scanner.open("/admin/members/river");
        scanner.clickAndLoad(scanner.find("form[action='/admin/members/river/reset'] button"));
        var link = scanner.find("#reset-url").getText();
        failures.check("/admin/members/river (a reset link)");
        failures.scan(link.substring(server.base().length()));
        scanner.open("/");
        scanner.clickAndLoad(scanner.find("form[action='/logout'] button"));
        failures.scan(link.substring(server.base().length()) + "#signed-out");
        failures.scan("/reset/not-a-link");
        scanner.signIn("ada", PASSWORD);
        scanner.darkScheme(true);
        try {
            for (var path : List.of("/admin", "/admin/federation", "/admin/domains", "/admin/members/river"))
                failures.scan(path + "#dark");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
