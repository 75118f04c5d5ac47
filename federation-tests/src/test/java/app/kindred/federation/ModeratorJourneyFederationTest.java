package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.report.ReportStatus;
import app.kindred.report.ReportStore;
import app.kindred.thread.ThreadService;
import app.kindred.web.Browser;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's journey across two instances, in real browsers with JavaScript off: bob, a member of
 * beta, tells the moderators about a thread written on alpha, from beta's page of it; the report
 * reaches alpha's moderator, who removes the thread from the report's page with a reason; bob sees
 * on beta that a moderator acted, and the thread's author reads the reason on alpha. Nobody's page
 * names bob to the moderator.
 */
class ModeratorJourneyFederationTest {
    static KindredInstance alpha, beta;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createMember("carol");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
    }

    @AfterAll
    static void stop() {
        beta.close();
        alpha.close();
    }

    @Test
    void aReportFromBetaReachesAlphasModeratorWhoRemovesThePostAndBothSidesSeeTheOutcome() throws Exception {
        var bob = beta.member("bob");
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        var thread = alpha.app()
                .threads()
                .startThread(
                        alpha.member("carol"),
                        alpha.app().communities().find("peers").orElseThrow().id(),
                        new ThreadService.Draft("Cheap pills", "Buy them from my shop.", null, null, "en"));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent()));
        long onBeta = beta.post(thread.uri()).orElseThrow().id();

        // Bob reports it from beta's page of the thread.
        try (var browser = new Browser(beta.baseUrl(), false)) {
            browser.signIn("bob", "password-of-bob");
            browser.open("/p/" + onBeta + "/report");
            browser.find("input[name=reason][value=spam]").click();
            browser.clickAndLoad(browser.find("main form button.primary[type=submit]"));
            assertTrue(browser.driver.getCurrentUrl().contains("/reports/mine"), browser.driver.getCurrentUrl());
        }
        // Sent as a Flag from beta's instance actor: alpha's moderator gets it in the queue.
        var alice = alpha.member("alice");
        eventually(() -> assertEquals(1, alpha.app().reports().openCount(alice).orElseThrow()));
        long report = alpha.app()
                .reports()
                .queue(alice, new ReportStore.Filter(null, ReportStatus.OPEN, null))
                .getFirst()
                .report()
                .id();

        try (var browser = new Browser(alpha.baseUrl(), false)) {
            browser.signIn("alice", "password-of-alice");
            browser.clickAndLoad(browser.find("header a[href='/mod']"));
            browser.clickAndLoad(browser.find("a[href='/mod/reports/" + report + "']"));
            var filing = browser.find("ol.filings li").getText();
            // Where it came from, by the server's name, never by who.
            assertTrue(filing.contains("From " + URI.create(beta.baseUrl()).getAuthority()), filing);
            assertFalse(browser.find("main").getText().contains("bob"), "the reporter is not named");
            browser.type("#remove_reason", "Rule 1: no selling here");
            browser.clickAndLoad(browser.find("form[action='/mod/reports/" + report + "/remove'] button"));
            assertEquals("Resolved", browser.find("#report-status").getText());
        }
        assertTrue(alpha.app().threads().find(thread.id()).orElseThrow().removed());

        // Bob sees on beta that a moderator acted; the thread is removed there too.
        eventually(() -> assertEquals(
                ReportStatus.RESOLVED,
                beta.app().reports().mine(bob).getFirst().report().status()));
        eventually(() -> assertTrue(beta.post(thread.uri()).orElseThrow().removed()));
        try (var browser = new Browser(beta.baseUrl(), false)) {
            browser.signIn("bob", "password-of-bob");
            browser.open("/reports/mine");
            assertTrue(
                    browser.find("main").getText().contains("A moderator looked and acted on it"),
                    browser.find("main").getText());
        }

        // Carol, the author, reads the reason on alpha.
        try (var browser = new Browser(alpha.baseUrl(), false)) {
            browser.signIn("carol", "password-of-carol");
            browser.open("/p/" + thread.id());
            assertEquals(
                    "The moderators removed your post. The reason they gave: Rule 1: no selling here",
                    browser.find(".removal-reason").getText());
        }
    }
}
