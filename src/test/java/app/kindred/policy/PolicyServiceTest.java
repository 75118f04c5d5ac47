package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.actor.DomainPattern;
import app.kindred.community.Community;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.policy.DomainBlock.Severity;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admin policy on a real database: what a suspend would cut, what it cuts, what an unblock gives
 * back (new activity) and does not (severed follows), the audit trail, and all-or-nothing imports.
 */
class PolicyServiceTest {
    private App app;
    private PolicyService service;
    private Member alice, bea;
    private Community peers, quiet;
    private long rob, sam, badGroup, gina, goodGroup;
    private Post robsThread, ginasThread;

    @BeforeEach
    void world() {
        app = App.open(TestPostgres.config(Map.of("KINDRED_INSTANCE_DOMAIN", "kindred.test")));
        service = app.policyService();
        alice = app.members().create("alice", "password-of-alice", Role.ADMIN);
        bea = app.members().create("bea", "password-of-bea", Role.MEMBER);
        peers = app.communities().create("peers", "Peer support", "", "alice");
        quiet = app.communities().create("quiet", "Quiet room", "", "alice");

        // bad.example and everything under it, on several ports; good.example stays.
        rob = remote("http://bad.example/u/rob", "Person", "bad.example");
        badGroup = remote("http://bad.example:8443/c/group", "Group", "bad.example:8443");
        sam = remote("http://sub.bad.example/u/sam", "Person", "sub.bad.example");
        gina = remote("http://good.example/u/gina", "Person", "good.example");
        goodGroup = remote("http://good.example/c/group", "Group", "good.example");

        follow(rob, peers.actor().id());
        follow(rob, alice.actor().id());
        follow(sam, quiet.actor().id());
        follow(alice.actor().id(), badGroup);
        follow(bea.actor().id(), badGroup);
        follow(gina, peers.actor().id());
        follow(alice.actor().id(), goodGroup);

        long outbound = sql1(
                "insert into outbound_activity (activity_id, actor_id, body) values ('http://kindred.test/a/1', ?, '{}') returning id",
                peers.actor().id());
        delivery(outbound, "http://bad.example/inbox", "bad.example", "queued");
        delivery(outbound, "http://bad.example:8443/inbox", "bad.example:8443", "parked");
        delivery(outbound, "http://sub.bad.example/inbox", "sub.bad.example", "delivered");
        delivery(outbound, "http://good.example/inbox", "good.example", "queued");

        robsThread = post("http://bad.example/p/1", peers, rob, null, "From rob");
        ginasThread = post("http://good.example/p/1", peers, gina, null, "From gina");
        post("http://bad.example/p/2", peers, rob, ginasThread, null);
    }

    @AfterEach
    void close() {
        if (app != null) app.close();
    }

    private long sql1(String sql, Object... params) {
        return app.database()
                .transaction(c -> Sql.one(c, sql, rs -> rs.getLong(1), params))
                .orElseThrow();
    }

    private long count(String sql, Object... params) {
        return app.database().read(c -> Sql.count(c, sql, params));
    }

    private long remote(String uri, String type, String domain) {
        var name = uri.substring(uri.lastIndexOf('/') + 1);
        return sql1("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, shared_inbox, fetched_at)
                values (?, ?, ?, ?, false, ?, ?, now()) returning id""", uri, type, name, domain, uri + "/inbox", uri.substring(0, uri.indexOf('/', 8)) + "/inbox");
    }

    private void follow(long follower, long followed) {
        app.database()
                .transaction(c -> Sql.update(
                        c,
                        "insert into follow (follower_id, followed_id, state) values (?, ?, 'accepted')",
                        follower,
                        followed));
    }

    private void delivery(long outbound, String inbox, String host, String state) {
        app.database()
                .transaction(c -> Sql.update(
                        c,
                        "insert into delivery (outbound_id, inbox, host, state) values (?, ?, ?, ?)",
                        outbound,
                        inbox,
                        host,
                        state));
    }

    private Post post(String uri, Community community, long author, Post parent, String title) {
        long id = sql1(
                """
                insert into post (uri, community_id, author_id, parent_id, thread_id, local, title, content_html)
                values (?, ?, ?, ?, ?, false, ?, '<p>hi</p>') returning id""",
                uri,
                community.id(),
                author,
                parent == null ? null : parent.id(),
                parent == null ? null : parent.id(),
                title);
        return app.threads().find(id).orElseThrow();
    }

    private List<String> threadTitles(Community community) {
        return app.threads().threads(community.id(), PostStore.Sort.NEW, 50, 0).stream()
                .map(Post::title)
                .sorted()
                .toList();
    }

    private static DomainBlock suspend(String domain) {
        return new DomainBlock(
                DomainPattern.parse(domain), Severity.SUSPEND, false, false, "", "private note", false, null);
    }

    @Test
    void previewCountsWhatASuspendWouldCutAndChangesNothing() {
        var p = service.preview(DomainPattern.parse("bad.example"));
        assertEquals(
                List.of("bad.example", "bad.example:8443", "sub.bad.example"),
                p.domains().stream().sorted().toList());
        assertEquals(2, p.followsOut(), "alice and bea follow the group on bad.example:8443");
        assertEquals(3, p.followsIn(), "rob follows peers and alice, sam follows quiet");
        assertEquals(5, p.follows());
        assertEquals(2, p.membersAffected());
        assertEquals(2, p.communitiesAffected());
        assertEquals(2, p.queuedDeliveries(), "one queued, one parked; the delivered one is history");

        // One port only.
        var port = service.preview(DomainPattern.parse("bad.example:8443"));
        assertEquals(List.of("bad.example:8443"), port.domains());
        assertEquals(2, port.follows());
        assertEquals(1, port.queuedDeliveries());

        assertEquals(7, count("select count(*) from follow"));
        assertTrue(service.list().isEmpty());
    }

    @Test
    void suspendSeversFollowsBothWaysDropsDeliveriesAndHidesContent() {
        assertEquals(List.of("From gina", "From rob"), threadTitles(peers));
        var cut = service.block(suspend("bad.example"), "alice", "harassment");
        assertEquals(5, cut.follows());

        // Follows with anything under bad.example are gone both ways; good.example's stay.
        assertEquals(0, count("""
                select count(*) from follow f join actor a on a.id = f.follower_id join actor b on b.id = f.followed_id
                where a.domain like '%bad.example%' or b.domain like '%bad.example%'"""));
        assertEquals(2, count("select count(*) from follow"));

        // Members are told what they lost.
        var aliceNotices = service.severedFor(alice.id());
        assertEquals(1, aliceNotices.size());
        assertEquals("bad.example", aliceNotices.get(0).domain());
        assertEquals(1, aliceNotices.get(0).lostFollowing());
        assertEquals(1, aliceNotices.get(0).lostFollowers());
        assertNotNull(aliceNotices.get(0).at());
        var beaNotices = service.severedFor(bea.id());
        assertEquals(1, beaNotices.size());
        assertEquals(1, beaNotices.get(0).lostFollowing());
        assertEquals(0, beaNotices.get(0).lostFollowers());

        // Queued and parked deliveries to covered hosts are deleted; good.example's and the delivered history stay.
        assertEquals(
                0,
                count(
                        "select count(*) from delivery where host like '%bad.example%' and state in ('queued', 'parked')"));
        assertEquals(
                List.of("good.example:queued", "sub.bad.example:delivered"),
                app.database()
                        .read(c -> Sql.list(
                                c, "select host || ':' || state from delivery order by host", rs -> rs.getString(1))));

        // Content stays stored but is hidden from listings and threads.
        assertEquals(3, count("select count(*) from actor where suspended_at is not null"));
        assertEquals(
                0,
                count(
                        "select count(*) from actor where suspended_at is not null and (local or domain = 'good.example')"));
        assertEquals(List.of("From gina"), threadTitles(peers));
        assertEquals(
                List.of(), app.threads().comments(ginasThread.id()), "rob's comment under gina's thread is hidden too");
        assertTrue(app.threads().find(robsThread.id()).isPresent());

        // Nothing passes any more.
        assertFalse(app.policy().federates("bad.example"));
        assertFalse(app.policy().federates("sub.bad.example:9000"));
        assertTrue(app.policy().federates("good.example"));
        assertEquals(
                List.of(suspend("bad.example").domain()),
                service.list().stream().map(DomainBlock::domain).toList());
        assertEquals("private note", service.list().get(0).privateComment());
    }

    @Test
    void whatArrivedBeforeTheSuspendIsNotAppliedAfterIt() throws Exception {
        var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"id": "http://bad.example/a/9", "type": "Follow", "actor": "http://bad.example/u/rob",
                 "object": "http://kindred.test/c/quiet"}""");
        long id = sql1("""
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values ('http://bad.example/a/9', 'Follow', 'http://bad.example/u/rob', 'http://kindred.test/inbox', ?::jsonb, 'cavage')
                returning id""", body.toString());
        service.block(suspend("bad.example"), "alice", "");
        app.inboundProcessor()
                .process(new app.kindred.federation.queue.InboundActivity(
                        id,
                        "http://bad.example/a/9",
                        "Follow",
                        java.net.URI.create("http://bad.example/u/rob"),
                        "http://kindred.test/inbox",
                        body,
                        "cavage",
                        1));
        assertEquals(
                1,
                count(
                        "select count(*) from inbound_activity where state = 'failed' and last_error like '%does not federate%'"));
        assertEquals(
                0,
                count(
                        "select count(*) from follow f join actor a on a.id = f.follower_id where a.domain = 'bad.example'"));
    }

    @Test
    void limitKeepsFollowsAndContent() {
        service.block(
                new DomainBlock(DomainPattern.parse("bad.example"), Severity.LIMIT, true, false, "", "", false, null),
                "alice",
                "noisy");
        assertEquals(7, count("select count(*) from follow"));
        assertEquals(0, count("select count(*) from actor where suspended_at is not null"));
        assertTrue(service.severedFor(alice.id()).isEmpty());
        assertTrue(app.policy().decide("bad.example").limited());
        assertTrue(app.policy().federates("bad.example"));
    }

    @Test
    void unblockLetsNewActivityThroughButRestoresNoFollow() {
        service.block(suspend("bad.example"), "alice", "harassment");
        service.unblock(DomainPattern.parse("bad.example"), "alice", "they apologised");

        assertTrue(app.policy().federates("bad.example"));
        assertTrue(service.list().isEmpty());
        assertEquals(2, count("select count(*) from follow"), "severed follows stay severed");
        assertEquals(0, count("select count(*) from actor where suspended_at is not null"));
        assertEquals(List.of("From gina", "From rob"), threadTitles(peers));
        assertEquals(1, app.threads().comments(ginasThread.id()).size());
        assertEquals(1, service.severedFor(alice.id()).size(), "the notice stays readable");

        var e = assertThrows(Refusal.class, () -> service.unblock(DomainPattern.parse("bad.example"), "alice", ""));
        assertEquals(Refusal.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void unblockingOneRuleLeavesWhatAnotherSuspendCovers() {
        service.block(suspend("*.bad.example"), "alice", "");
        service.block(suspend("bad.example"), "alice", "");
        service.unblock(DomainPattern.parse("*.bad.example"), "alice", "");
        // bad.example still covers sub.bad.example: its content stays hidden.
        assertFalse(app.policy().federates("sub.bad.example"));
        assertEquals(3, count("select count(*) from actor where suspended_at is not null"));
        assertEquals(List.of("From gina"), threadTitles(peers));
    }

    @Test
    void everyActionIsAudited() {
        service.block(suspend("bad.example"), "alice", "harassment");
        service.block(
                new DomainBlock(DomainPattern.parse("loud.example"), Severity.LIMIT, false, false, "", "", false, null),
                "bea",
                "too loud");
        service.unblock(DomainPattern.parse("bad.example"), "carol", "apology accepted");
        service.allow(DomainPattern.parse("friend.example"), "alice");
        var rows = app.database()
                .read(c -> Sql.list(
                        c,
                        """
                select actor, action, target, reason, details::text, created_at is not null from audit_log order by id""",
                        rs -> String.join(
                                "|",
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5).replace(" ", ""),
                                String.valueOf(rs.getBoolean(6)))));
        assertEquals(
                List.of(
                        "alice|domain.suspend|bad.example|harassment|{\"follows\":5,\"members\":2}|true",
                        "bea|domain.limit|loud.example|too loud|{\"follows\":0,\"members\":0}|true",
                        "carol|domain.unblock|bad.example|apology accepted|{}|true",
                        "alice|domain.allow|friend.example||{}|true"),
                rows);
    }

    @Test
    void importIsAllOrNothingAndTheDryRunAgreesWithTheImport() {
        var rows = new StringBuilder(Blocklist.CSV_HEADER).append('\n');
        for (int i = 1; i <= 1000; i++) rows.append("host").append(i).append(".example,silence,false,false,,false\n");
        rows.append("bad.example,suspend,false,false,\"harassment, repeatedly\",false\n");
        var good = rows.toString();
        var broken = good.replace("host10.example,", "host 10.example,")
                .replace("host500.example,silence", "host500.example,vaporise")
                .replace("host990.example,silence,false", "host990.example,silence,perhaps");

        var e = assertThrows(Refusal.class, () -> service.importBlocklist(broken, false, "alice"));
        assertEquals("file", e.field());
        assertTrue(e.getMessage().startsWith("3 invalid row(s), nothing imported"), e.getMessage());
        for (var line : List.of("line 11:", "line 501:", "line 991:"))
            assertTrue(e.getMessage().contains(line), e.getMessage());
        // The dry run refuses the same way.
        assertThrows(Refusal.class, () -> service.importBlocklist(broken, true, "alice"));
        assertEquals(0, count("select count(*) from domain_block"));
        assertEquals(7, count("select count(*) from follow"));
        assertEquals(0, count("select count(*) from audit_log"));

        var dry = service.importBlocklist(good, true, "alice");
        assertFalse(dry.applied());
        assertEquals(1001, dry.added().size());
        assertEquals(5, dry.followsSevered());
        assertEquals(2, dry.membersAffected());
        assertEquals(0, count("select count(*) from domain_block"));
        assertEquals(7, count("select count(*) from follow"));

        var real = service.importBlocklist(good, false, "alice");
        assertTrue(real.applied());
        assertEquals(dry.added(), real.added());
        assertEquals(dry.changed(), real.changed());
        assertEquals(dry.followsSevered(), real.followsSevered());
        assertEquals(dry.membersAffected(), real.membersAffected());
        // And what it said is what happened.
        assertEquals(1001, count("select count(*) from domain_block"));
        assertEquals(7 - real.followsSevered(), count("select count(*) from follow"));
        assertEquals(1001, count("select count(*) from audit_log where actor = 'alice' and reason = 'imported'"));
        assertEquals(
                "harassment, repeatedly",
                service.list().stream()
                        .filter(b -> b.domain().host().equals("bad.example"))
                        .findFirst()
                        .orElseThrow()
                        .publicComment());
        assertTrue(app.policy().decide("host77.example").limited());

        // Importing the same file again changes nothing; one changed row is reported as changed.
        var again = service.importBlocklist(good, true, "alice");
        assertEquals(List.of(), again.added());
        assertEquals(List.of(), again.changed());
        var changed =
                service.importBlocklist(good.replace("host7.example,silence", "host7.example,suspend"), false, "alice");
        assertEquals(List.of(), changed.added());
        assertEquals(List.of("host7.example"), changed.changed());
        assertTrue(app.policy().decide("host7.example").suspended());
    }
}
