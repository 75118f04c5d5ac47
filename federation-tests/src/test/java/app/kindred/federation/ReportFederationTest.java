package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.notification.Kind;
import app.kindred.refusal.Refusal;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStatus;
import app.kindred.report.ReportStore;
import app.kindred.storage.Sql;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reports across instances: alpha hosts the community, a member of gamma posts there, a member of
 * beta reports the thread. The report reaches alpha's moderators (and gamma's admins, the author's
 * home) as a Flag from beta's instance actor, never naming the reporter; alpha resolves it and
 * beta's reporter sees that. With a moderator on beta, a gamma member's report reaches the
 * moderators on alpha and beta, is resolved on beta, and the resolution shows on alpha and gamma.
 * A Mastodon-style Flag from the Fedify peer lands in the same queue.
 */
class ReportFederationTest {
    static KindredInstance alpha, beta, gamma;
    static FedifyPeer fedify;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        gamma = KindredInstance.start("gamma");
        alpha.createMember("alice");
        alpha.app().members().create("root", "password-of-root", Role.ADMIN);
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
        gamma.createMember("gina");
        gamma.app().members().create("groot", "password-of-groot", Role.ADMIN);
        fedify = FedifyPeer.start();
    }

    @AfterAll
    static void stop() {
        if (fedify != null) fedify.close();
        for (var instance : new KindredInstance[] {gamma, beta, alpha}) if (instance != null) instance.close();
    }

    private static void follow(KindredInstance on, String member, String group) throws Exception {
        var m = on.member(member);
        on.app().follows().follow(m, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                on.app().follows().subscriptions(m).getFirst().state()));
    }

    @Test
    void betasReportOfGammasThreadReachesAlphasModeratorsHiddenAndTheResolutionComesBack() throws Exception {
        var group = alpha.baseUrl() + "/c/peers";
        follow(gamma, "gina", group);
        follow(beta, "bob", group);
        var thread = gamma.app()
                .threads()
                .startThread(
                        gamma.member("gina"),
                        gamma.communityId(group),
                        new ThreadService.Draft("Buy my course", "Cheap pills at example.com", null, null, null));
        eventually(() -> assertTrue(beta.app()
                .database()
                .read(c -> new PostStore().findByUri(c, thread.uri()))
                .isPresent()));
        var onBeta = beta.app()
                .database()
                .read(c -> new PostStore().findByUri(c, thread.uri()))
                .orElseThrow();

        var bob = beta.member("bob");
        var filed = beta.app()
                .reports()
                .file(bob, new ReportService.Draft(onBeta.id(), null, Category.SPAM, null, "selling pills", false));
        assertEquals(ReportStatus.OPEN, filed.report().status());

        // Alpha's moderator sees it, from beta's instance actor: bob is not named.
        var alice = alpha.member("alice");
        var betaInstance = beta.app().instanceActor().uri();
        long peersOnAlpha = alpha.communityId(group);
        eventually(() -> {
            var queue =
                    alpha.app().reports().queue(alice, new ReportStore.Filter(peersOnAlpha, ReportStatus.OPEN, null));
            assertEquals(1, queue.size(), queue.toString());
            assertEquals(thread.uri(), queue.getFirst().post());
            assertEquals(List.of(betaInstance), queue.getFirst().reporters());
            assertTrue(queue.getFirst().report().filings().getFirst().text().contains("selling pills"));
        });
        var report = alpha.app()
                .reports()
                .queue(alice, new ReportStore.Filter(peersOnAlpha, null, null))
                .getFirst();
        assertFalse(report.report().forAdmins(), "gina is not alpha's member");
        assertFalse(alpha.app()
                        .database()
                        .read(c -> Sql.count(c, "select count(*) from report_filing where text like '%bob%'"))
                > 0);
        // The author's home, gamma, hears of it too: its admins see a report about their member.
        var groot = gamma.member("groot");
        long peersOnGamma = gamma.communityId(group);
        eventually(() -> {
            var queue = gamma.app().reports().queue(groot, new ReportStore.Filter(peersOnGamma, null, null));
            assertEquals(1, queue.size(), queue.toString());
            assertTrue(queue.getFirst().report().forAdmins());
            assertEquals(List.of(betaInstance), queue.getFirst().reporters());
        });

        // Alpha resolves; beta's reporter sees the status.
        alpha.app().reports().decide(alice, report.report().id(), ReportStatus.RESOLVED, "removed the ad");
        eventually(() -> assertEquals(
                ReportStatus.RESOLVED,
                beta.app().reports().mine(bob).getFirst().report().status()));
        // And is notified of the outcome by their own instance, without who decided or the note.
        var told = beta.app().notifications().list(bob, null, null).items();
        assertEquals(1, told.size(), told.toString());
        assertEquals(Kind.REPORT_OUTCOME, told.getFirst().kind());
        assertEquals("resolved", told.getFirst().outcome());
        assertNull(told.getFirst().from());
        // Gamma holds the report too (its admins saw it); its author, gina, is told nothing of it there.
        long onGamma = gamma.app()
                .reports()
                .queue(groot, new ReportStore.Filter(peersOnGamma, null, null))
                .getFirst()
                .report()
                .id();
        var toGina = gamma.app()
                .notifications()
                .list(gamma.member("gina"), null, 100)
                .items();
        assertTrue(toGina.stream().noneMatch(n -> Long.valueOf(onGamma).equals(n.reportId())), toGina.toString());
    }

    @Test
    void aGammaMembersReportReachesTheModeratorsOnAlphaAndBetaIsResolvedOnBetaAndTheResolutionShowsOnAlphaAndGamma()
            throws Exception {
        var alice = alpha.member("alice");
        var bea = beta.createMember("bea");
        var gus = gamma.createMember("gus");
        var gina = gamma.member("gina");
        long circle = alpha.createCommunity("circle", "Circle", "alice").id();
        var groupUri = alpha.baseUrl() + "/c/circle";
        alpha.app()
                .moderation()
                .setRules(
                        alice,
                        circle,
                        List.of(
                                new ModerationService.RuleDraft("Be kind", ""),
                                new ModerationService.RuleDraft("No selling", "Ads go elsewhere.")));
        // Bea of beta moderates it before anyone elsewhere follows: beta and gamma learn it from alpha on their first
        // follow.
        alpha.app().moderation().addModerator(alice, circle, bea.actor().uri().toString());

        followCircle(beta, bea);
        followCircle(gamma, gus);
        long onBeta = beta.communityId(groupUri), onGamma = gamma.communityId(groupUri);
        var moderators =
                List.of(alice.actor().uri().toString(), bea.actor().uri().toString());
        assertEquals(moderators, beta.app().moderation().moderators(onBeta));
        assertEquals(moderators, gamma.app().moderation().moderators(onGamma));
        assertEquals(
                "No selling", gamma.app().moderation().rules(onGamma).get(1).title());
        assertEquals(2, beta.app().moderation().rules(onBeta).size());

        var thread = gamma.app()
                .threads()
                .startThread(gus, onGamma, new ThreadService.Draft("Buy my course", "Only 99 today", null, null, null));
        eventually(() -> assertTrue(beta.app()
                .database()
                .read(c -> new PostStore().findByUri(c, thread.uri()))
                .isPresent()));

        // Gina reports it under the community's rule 2, as gamma knows the rules; a rule it does not have is refused.
        var onGammaPost = gamma.app()
                .database()
                .read(c -> new PostStore().findByUri(c, thread.uri()))
                .orElseThrow();
        var noSuchRule = assertThrows(
                Refusal.class,
                () -> gamma.app()
                        .reports()
                        .file(gina, new ReportService.Draft(onGammaPost.id(), null, Category.RULE, 3, "", false)));
        assertEquals("rule", noSuchRule.field());
        var filed = gamma.app()
                .reports()
                .file(
                        gina,
                        new ReportService.Draft(onGammaPost.id(), null, Category.RULE, 2, "selling courses", false));
        var gammaInstance = gamma.app().instanceActor().uri();

        // Alpha's moderator sees it, from gamma's instance actor, under rule 2.
        eventually(() -> {
            var queue = alpha.app().reports().queue(alice, new ReportStore.Filter(circle, ReportStatus.OPEN, null));
            assertEquals(1, queue.size(), queue.toString());
            assertEquals(thread.uri(), queue.getFirst().post());
            assertEquals(List.of(gammaInstance), queue.getFirst().reporters());
            assertEquals(
                    Category.RULE,
                    queue.getFirst().report().filings().getFirst().category());
            assertEquals(2, queue.getFirst().report().filings().getFirst().rule());
        });
        // So does bea, on beta: the community passed it on to her instance.
        eventually(() -> {
            var queue = beta.app().reports().queue(bea, new ReportStore.Filter(onBeta, ReportStatus.OPEN, null));
            assertEquals(1, queue.size(), queue.toString());
            assertEquals(thread.uri(), queue.getFirst().post());
            assertEquals(List.of(gammaInstance), queue.getFirst().reporters(), "gina is not named on beta either");
            assertEquals(2, queue.getFirst().report().filings().getFirst().rule());
            assertFalse(queue.getFirst().report().forAdmins(), "a matter for the community's moderators");
        });

        // Bea resolves it on beta; alpha accepts that from its moderator and passes it on; gina sees it on gamma.
        var onBetaReport = beta.app()
                .reports()
                .queue(bea, new ReportStore.Filter(onBeta, ReportStatus.OPEN, null))
                .getFirst();
        beta.app().reports().decide(bea, onBetaReport.report().id(), ReportStatus.RESOLVED, "removed the ad");
        eventually(() -> assertEquals(
                ReportStatus.RESOLVED,
                alpha.app()
                        .reports()
                        .queue(alice, new ReportStore.Filter(circle, null, null))
                        .getFirst()
                        .report()
                        .status()));
        eventually(() -> assertEquals(
                ReportStatus.RESOLVED,
                gamma.app().reports().mine(gina).stream()
                        .filter(m -> m.report().id() == filed.report().id())
                        .findFirst()
                        .orElseThrow()
                        .report()
                        .status()));
    }

    private static void followCircle(KindredInstance on, app.kindred.member.Member member) throws Exception {
        on.app().follows().follow(member, "!" + alpha.handle("circle"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                on.app().follows().subscriptions(member).stream()
                        .filter(s -> s.community().name().equals("circle"))
                        .findFirst()
                        .orElseThrow()
                        .state()));
    }

    @Test
    void aMastodonStyleFlagFromTheFedifyPeerLandsInTheCommunityQueue() throws Exception {
        long communityId = alpha.app().communities().find("peers").orElseThrow().id();
        var alice = alpha.member("alice");
        // The reported author is a member, not the moderator: a moderator never sees a report about themselves.
        var amy = alpha.createMember("amy");
        var post = alpha.app()
                .threads()
                .startThread(
                        amy,
                        communityId,
                        new ThreadService.Draft("Daily check-in", "How is everyone?", null, null, null));
        var tester = "http://" + fedify.domain() + "/users/tester";
        var flagId = "http://" + fedify.domain() + "/flags/1";
        var flag = Map.of(
                "@context",
                "https://www.w3.org/ns/activitystreams",
                "id",
                flagId,
                "type",
                "Flag",
                "actor",
                tester,
                "content",
                "Please take a look at this post",
                "object",
                List.of(alpha.baseUrl() + "/u/amy", post.uri().toString()));
        var sent =
                fedify.post("/control/send", Map.of("to", alpha.baseUrl() + "/inbox", "activity", flag, "raw", true));
        assertEquals(200, sent.get("httpStatus").asInt(), sent.toString());
        var root = alpha.member("root");
        eventually(() -> {
            var queue = alpha.app()
                    .reports()
                    .queue(alice, new ReportStore.Filter(communityId, ReportStatus.OPEN, Category.OTHER));
            var about = queue.stream().filter(d -> post.uri().equals(d.post())).toList();
            assertEquals(1, about.size(), queue.toString());
            assertEquals(URI.create(tester), about.getFirst().reporters().getFirst());
            assertEquals(
                    "Please take a look at this post",
                    about.getFirst().report().filings().getFirst().text());
            assertTrue(about.getFirst().report().forAdmins(), "amy is alpha's member: admins see it too");
            assertTrue(alpha.app().reports().queue(root, new ReportStore.Filter(null, null, null)).stream()
                    .anyMatch(d -> post.uri().equals(d.post())));
        });
    }
}
