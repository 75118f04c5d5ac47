package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import app.kindred.web.Browser;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Issue 14's journey across two instances, in a real browser with JavaScript off: a member of beta,
 * on beta's own pages, looks up a community on alpha by its handle, sees its page, follows it,
 * reads a thread written on alpha and replies to it; the reply arrives on alpha in its place.
 */
class WebJourneyFederationTest {
    static KindredInstance alpha, beta;
    static Browser browser;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
        browser = new Browser(beta.baseUrl(), false);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, beta, alpha);
    }

    @Test
    void aMemberOfBetaFollowsAndRepliesInACommunityOnAlphaFromBetasPages() throws Exception {
        var handle = "!" + alpha.handle("peers");
        var page = "/r/" + alpha.handle("peers");

        // Sign in on beta.
        browser.signIn("bob", "password-of-bob");

        // Paste the handle into search: beta does not know it yet, and asks alpha only when bob presses the button.
        browser.open("/search");
        browser.type("#q", handle);
        browser.clickAndLoad(browser.find("form[role=search] button[type=submit]"));
        browser.clickAndLoad(browser.find("form[action='/search/look-up'] button"));
        assertTrue(browser.driver.getCurrentUrl().endsWith(page), browser.driver.getCurrentUrl());
        assertEquals("Peer support", browser.find("h1").getText());
        assertTrue(browser.find("main").getText().contains("This community lives on " + alpha.domain()));

        // Follow: pending until alpha accepts, then followed.
        browser.clickAndLoad(browser.find("form[action='" + page + "/follow'] button"));
        var bob = beta.member("bob");
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        browser.open(page);
        assertEquals(
                "You follow this community.", browser.find("#following-note").getText());

        // Alice writes on alpha; the thread reaches beta's page of the community.
        var alice = alpha.member("alice");
        long alphaCommunity =
                alpha.app().communities().find("peers").orElseThrow().id();
        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alphaCommunity,
                        new ThreadService.Draft("Tea and rain", "What calms you on a grey day?", null, null, "en"));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent()));
        browser.open(page);
        browser.clickAndLoad(browser.driver.findElement(By.linkText("Tea and rain")));
        // Beta's page of alpha's thread is beta's own address for it (issue 14: /r/p/{id}).
        long onBetaThread = beta.post(thread.uri()).orElseThrow().id();
        assertTrue(browser.driver.getCurrentUrl().endsWith("/r/p/" + onBetaThread), browser.driver.getCurrentUrl());
        assertTrue(browser.find("article.thread").getText().contains("What calms you on a grey day?"));
        assertTrue(browser.find("article.thread").getText().contains("from " + alpha.domain()));

        // Bob replies from beta's page; alpha gets the reply under alice's thread.
        browser.type("#body", "A warm cup and the sound of rain on the window.");
        browser.clickAndLoad(browser.find("section.composer button[name=publish]"));
        var comment = browser.find("ol.comments > li");
        assertTrue(comment.getText().contains("sound of rain"));
        var onBeta = beta.app()
                .threads()
                .find(Long.parseLong(comment.getAttribute("id").substring(1)))
                .orElseThrow();
        eventually(() -> {
            var onAlpha = alpha.post(onBeta.uri()).orElseThrow();
            assertEquals(thread.id(), onAlpha.parentId());
            assertTrue(onAlpha.contentHtml().contains("sound of rain"));
        });
        // Alice is told of bob's reply on alpha.
        var toAlice = alpha.app().notifications().list(alice, null, null).items();
        assertEquals(1, toAlice.size(), toAlice.toString());
        assertEquals("bob@" + beta.domain(), toAlice.getFirst().from());

        // beta's pages of alpha's community and thread pass axe, signed in.
        try (var scanner = new Browser(beta.baseUrl(), true)) {
            scanner.signIn("bob", "password-of-bob");
            var failures = scanner.axeFindings();
            for (var path : List.of(page, "/r/p/" + onBetaThread)) failures.scan(path);
            failures.assertNone();
        }

        // Leaving, from the same page: alpha is told.
        browser.open(page);
        browser.clickAndLoad(browser.find("form[action='" + page + "/unfollow'] button"));
        assertTrue(beta.app().follows().subscriptions(bob).isEmpty());
        assertEquals(
                "You have left this community.",
                browser.find("main [role=status]").getText());
        eventually(() -> assertEquals(0L, (long) alpha.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from follow f join community c on c.actor_id = f.followed_id where c.id = ?",
                        alphaCommunity))));
    }
}
