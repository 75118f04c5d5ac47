package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.community.Participant;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.storage.Sql;
import app.kindred.thread.Anonymity;
import app.kindred.thread.Post;
import app.kindred.thread.ThreadService;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anonymous posting across three Kindred instances (issue 17). Beatrix on beta posts anonymously to
 * alpha's community: beta sends the post privately to the community with the request for anonymity,
 * and alpha publishes it as "Anonymous member 1", an actor of the community's own. Gamma, following
 * the community, sees only the pseudonym in everything it received and stored; alpha's moderator
 * sees who wrote it; beatrix's anonymous reply keeps her number in the thread, her edit and her
 * delete reach everyone, and a report filed on gamma names only the pseudonym.
 */
class AnonymousPostingFederationTest {
    private static final String WRITER = "beatrixwren";

    static KindredInstance alpha, beta, gamma;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        gamma = KindredInstance.start("gamma");
        alpha.createMember("mara");
        alpha.createCommunity("quiet", "Quiet room", "mara");
        beta.createMember(WRITER);
        gamma.createMember("gil");
    }

    @AfterAll
    static void stop() {
        for (var i : new KindredInstance[] {gamma, beta, alpha}) if (i != null) i.close();
    }

    /** Every row of every table, as text: what this instance stored and received. */
    private static List<String> everything(KindredInstance instance) {
        var rows = new ArrayList<String>();
        instance.app().database().read(c -> {
            for (var table : Sql.list(
                    c,
                    "select table_schema || '.' || table_name from information_schema.tables"
                            + " where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
                    rs -> rs.getString(1))) {
                for (var row : Sql.list(c, "select t::text from " + table + " t", rs -> rs.getString(1))) {
                    rows.add(table + ": " + row);
                }
            }
            return null;
        });
        return rows;
    }

    /** The post alpha published for what beta sent under this id. */
    private static Post publishedFor(URI sent) {
        return alpha.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select p.uri from anonymous_source s join post p on p.id = s.post_id where s.source_uri = ?",
                        rs -> URI.create(rs.getString(1)),
                        sent.toString()))
                .flatMap(alpha::post)
                .orElseThrow(() -> new AssertionError("alpha has not published " + sent));
    }

    @Test
    void otherServersSeeOnlyThePseudonymAndTheCommunitysModeratorSeesTheWriter() throws Exception {
        var mara = alpha.member("mara");
        var writer = beta.member(WRITER);
        var gil = gamma.member("gil");
        var group = alpha.baseUrl() + "/c/quiet";
        long onAlpha = alpha.communityId(group);
        alpha.app().threads().setAnonymousPosting(mara, onAlpha, true);
        beta.app().follows().follow(writer, "!" + alpha.handle("quiet"));
        gamma.app().follows().follow(gil, "!" + alpha.handle("quiet"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(writer).getFirst().state()));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                gamma.app().follows().subscriptions(gil).getFirst().state()));
        long onBeta = beta.communityId(group);
        long onGamma = gamma.communityId(group);

        // Beta keeps its member's copy held (only she sees it) and sends it to the community alone.
        var sent = beta.app()
                .threads()
                .startThread(
                        writer,
                        onBeta,
                        new ThreadService.Draft(
                                "The thing I carry", "I have never told anyone this.", null, null, null),
                        ThreadService.Attachments.NONE,
                        true);
        assertTrue(sent.held(), "beta's own copy is never published by beta");
        var request = beta.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select body from outbound_activity where object_id = ?",
                        rs -> rs.getString(1),
                        sent.uri().toString()))
                .orElseThrow();
        assertTrue(request.contains("\"anonymous\":true"), request);
        assertFalse(request.contains("#Public"), "addressed to the community alone: " + request);

        // Alpha publishes it under the pseudonym, which gamma receives through the group.
        eventually(() -> publishedFor(sent.uri()));
        var published = publishedFor(sent.uri());
        assertTrue(published.local(), "published by the community's own server");
        eventually(() -> assertTrue(gamma.post(published.uri()).isPresent(), "gamma got it"));
        var onGammaPost = gamma.post(published.uri()).orElseThrow();
        var pseudonym = gamma.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select uri || ' ' || name from actor where id = ?",
                        rs -> rs.getString(1),
                        onGammaPost.authorId()))
                .orElseThrow();
        assertTrue(pseudonym.startsWith(group + "/anonymous/"), pseudonym);
        assertTrue(pseudonym.endsWith(" Anonymous member 1"), pseudonym);

        // Alpha's moderator is told who wrote it; a member of alpha is not.
        alpha.createMember("ned");
        var ned = alpha.member("ned");
        var byModerator = alpha.app()
                .discussions()
                .entry(published.id(), mara.actor().id())
                .orElseThrow()
                .anonymous();
        assertEquals(WRITER + "@" + beta.domain(), byModerator.writtenBy());
        var byMember = alpha.app()
                .discussions()
                .entry(published.id(), ned.actor().id())
                .orElseThrow()
                .anonymous();
        assertEquals(new Anonymity.Disclosure("Anonymous member 1", false, null), byMember);

        // Gil replies on gamma; beatrix answers him anonymously, and keeps her number in the thread.
        var reply = gamma.app()
                .threads()
                .comment(
                        gil,
                        gamma.post(published.uri()).orElseThrow().id(),
                        new ThreadService.Draft(null, "Thank you for trusting us with it.", null, null, null));
        eventually(() -> assertTrue(beta.post(reply.uri()).isPresent()));
        var answer = beta.app()
                .threads()
                .comment(
                        writer,
                        beta.post(reply.uri()).orElseThrow().id(),
                        new ThreadService.Draft(null, "It feels lighter already.", null, null, null),
                        ThreadService.Attachments.NONE,
                        true);
        eventually(() -> publishedFor(answer.uri()));
        var answered = publishedFor(answer.uri());
        assertEquals(published.authorId(), answered.authorId(), "the same pseudonym in the same thread");
        eventually(() -> assertTrue(gamma.post(answered.uri()).isPresent()));
        assertEquals(
                onGammaPost.authorId(), gamma.post(answered.uri()).orElseThrow().authorId());

        // Her edit, sent privately as the post was, reaches gamma as the pseudonym's Update.
        beta.app()
                .threads()
                .edit(
                        writer,
                        sent.id(),
                        new ThreadService.Draft(null, "I have never told anyone this. Now I have.", null, null, null));
        eventually(() -> assertTrue(
                gamma.post(published.uri()).orElseThrow().contentHtml().contains("Now I have"),
                "the edit reached gamma"));

        // A report filed on gamma reaches alpha's moderators about the pseudonym's post; it names no writer.
        gamma.app()
                .reports()
                .file(
                        gil,
                        new ReportService.Draft(
                                gamma.post(published.uri()).orElseThrow().id(),
                                null,
                                Category.OTHER,
                                null,
                                "checking in on them",
                                false));
        eventually(() -> assertTrue(
                alpha.count("select count(*) from report where post_id = ?", published.id()) > 0,
                "the report reached alpha"));

        // Nothing gamma stored or received (posts, actors, inbound activities, deliveries) names her.
        var leaks = everything(gamma).stream()
                .filter(r -> r.toLowerCase().contains(WRITER))
                .toList();
        assertEquals(List.of(), leaks, "gamma knows the writer");
        // Beta, her own server, holds the published post under the pseudonym too; its own copy is hers alone.
        eventually(() -> assertTrue(beta.post(published.uri()).isPresent()));
        boolean hers = beta.app()
                .database()
                .read(c -> beta.app().threads().posting().sees(c, sent, Participant.member(writer)));
        assertTrue(hers, "her held copy is hers to see");
        // Alpha told beta privately where it published her post: beta shows it to her as hers, to nobody else.
        var onBetaPublished = beta.post(published.uri()).orElseThrow().id();
        eventually(() -> assertEquals(
                new Anonymity.Disclosure("Anonymous member 1", true, null),
                beta.app()
                        .discussions()
                        .entry(onBetaPublished, writer.actor().id())
                        .orElseThrow()
                        .anonymous()));
        beta.createMember("bo");
        assertNull(beta.app()
                .discussions()
                .entry(onBetaPublished, beta.member("bo").actor().id())
                .orElseThrow()
                .anonymous());

        // Her delete takes the anonymous reply down everywhere.
        beta.app().threads().delete(writer, answer.id());
        eventually(() -> assertTrue(alpha.post(answered.uri()).orElseThrow().deleted()));
        eventually(() -> assertTrue(gamma.post(answered.uri()).orElseThrow().deleted()));
        assertEquals(onGamma, gamma.post(published.uri()).orElseThrow().communityId());
    }
}
