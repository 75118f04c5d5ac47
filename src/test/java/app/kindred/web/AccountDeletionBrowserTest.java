package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * Deleting an account in a browser with JavaScript off (issue 18): the page says what happens, a
 * wrong password comes back by its field, confirming signs the member out, and signing in again
 * during the grace period cancels the deletion and says so. The page passes axe and works by keyboard.
 */
class AccountDeletionBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        server.app().members().create("maple", PASSWORD, Role.MEMBER);
        server.app().members().create("birch", PASSWORD, Role.MEMBER);
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    private static long scheduled(String name) {
        return server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from account_deletion d join account a on a.id = d.account_id where a.username = ?",
                        name));
    }

    @Test
    void theOnlyAdminIsAskedToMakeSomeoneElseAnAdminFirst() {
        server.app().members().create("oak", PASSWORD, Role.ADMIN);
        var oak = new Browser(server.base(), false);
        try {
            oak.signIn("oak", PASSWORD);
            oak.open("/settings/delete");
            oak.find("#keep_posts-true").click();
            oak.type("#password", PASSWORD);
            oak.clickAndLoad(oak.find("form[action='/settings/delete'] button[type=submit]"));
            var summary = oak.find(".error-summary").getText();
            assertTrue(summary.contains("Make someone else an admin first"), summary);
            assertEquals(0, scheduled("oak"));
            assertTrue(oak.find("header.site").getText().contains("oak"), "still signed in");

            server.app().members().create("ash", PASSWORD, Role.ADMIN);
            oak.find("#keep_posts-true").click();
            oak.type("#password", PASSWORD);
            oak.clickAndLoad(oak.find("form[action='/settings/delete'] button[type=submit]"));
            assertTrue(oak.find("main [role=status]").getText().contains("will be deleted"));
            assertEquals(1, scheduled("oak"));
        } finally {
            oak.close();
        }
    }

    @Test
    void aMemberSchedulesTheDeletionIsSignedOutAndSigningInAgainCancelsIt() {
        browser.signIn("maple", PASSWORD);
        browser.open("/settings/delete");
        assertEquals("Delete your account", browser.find("h1").getText());
        var main = browser.find("main").getText();
        assertTrue(main.contains("7 days after you confirm"), main);
        assertTrue(main.contains("Reports you sent to moderators stay"), main);
        assertTrue(main.contains("[deleted member]"), main);

        // No choice and a wrong password: the form comes back with both problems by their fields.
        browser.type("#password", "not my password at all");
        browser.clickAndLoad(browser.find("form[action='/settings/delete'] button[type=submit]"));
        assertEquals(
                List.of("#keep_posts"),
                browser.all(".error-summary a").stream()
                        .map(a -> a.getAttribute("hash"))
                        .toList());
        browser.find("#keep_posts-true").click();
        browser.type("#password", "not my password at all");
        browser.clickAndLoad(browser.find("form[action='/settings/delete'] button[type=submit]"));
        assertEquals("#password", browser.find(".error-summary a").getAttribute("hash"));
        assertTrue(browser.find("#password-error").getText().contains("nothing was changed"));
        assertEquals("true", browser.find("#keep_posts-true").getAttribute("checked"), "the choice is kept");
        assertEquals("", browser.find("#password").getAttribute("value"), "the password is never sent back");
        assertEquals(0, scheduled("maple"));

        // The right password: scheduled, and signed out.
        browser.type("#password", PASSWORD);
        browser.clickAndLoad(browser.find("form[action='/settings/delete'] button[type=submit]"));
        assertTrue(browser.find("main [role=status]").getText().contains("will be deleted"));
        assertTrue(browser.find("header.site").getText().contains("Sign in"));
        assertEquals(1, scheduled("maple"));
        browser.open("/settings/delete");
        assertTrue(browser.driver.getCurrentUrl().contains("/login?next="), browser.driver.getCurrentUrl());

        // Signing in during the grace period cancels it, and the member is told.
        browser.signIn("maple", PASSWORD);
        assertEquals(
                "Welcome back. Your account deletion was cancelled, and everything is as you left it.",
                browser.find("main [role=status]").getText());
        assertEquals(0, scheduled("maple"));
        assertTrue(browser.find("header.site").getText().contains("maple"));
    }

    @Test
    void theFormWorksByKeyboardAlone() {
        var b = new Browser(server.base(), false);
        try {
            b.signIn("birch", PASSWORD);
            b.open("/settings/delete");
            b.find("#keep_posts").sendKeys(Keys.SPACE);
            assertTrue(b.find("#keep_posts").isSelected());
            b.find("#keep_posts").sendKeys(Keys.TAB);
            // Radios of one group are one tab stop: the next stop is the password.
            assertEquals("password", b.driver.switchTo().activeElement().getAttribute("id"));
            b.driver.switchTo().activeElement().sendKeys(PASSWORD);
            b.driver.switchTo().activeElement().sendKeys(Keys.TAB);
            var button = b.driver.switchTo().activeElement();
            assertEquals("Delete my account", button.getText());
            assertEquals("solid", button.getCssValue("outline-style"), "focus is drawn");
            button.sendKeys(Keys.ENTER);
            b.waitUntil(d -> !d.getCurrentUrl().endsWith("/settings/delete"));
            assertEquals(1, scheduled("birch"));
        } finally {
            b.close();
        }
    }

    @Test
    void thePagePassesAxeAsFirstShownWithProblemsAndInTheDark() {
        server.app().members().create("cedar", PASSWORD, Role.MEMBER);
        scanner.signIn("cedar", PASSWORD);
        var failures = scanner.findings();
        scanner.open("/settings/delete");
        failures.check("/settings/delete");
        scanner.clickAndLoad(scanner.find("form[action='/settings/delete'] button[type=submit]"));
        assertTrue(scanner.find(".error-summary").isDisplayed());
        failures.check("/settings/delete (problems)");
        scanner.darkScheme(true);
        try {
            failures.check("/settings/delete (problems, dark)");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
        assertEquals(0, scheduled("cedar"));
    }
}
