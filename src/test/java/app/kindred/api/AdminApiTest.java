package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.RemoteActorData;
import app.kindred.follow.FollowStore;
import app.kindred.member.Role;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admin endpoints: federation status and domain policy, refused to everyone but admins. */
class AdminApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        server.app().members().create("root", ApiClient.PASSWORD, Role.ADMIN);
        admin = api.logIn("root");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A remote actor on the given host who follows our member and whom our member follows. */
    private static void mutualFollow(String host, String localMember) {
        var app = server.app();
        var local = app.members().find(localMember).orElseThrow().actor();
        app.database().transaction(c -> {
            var uri = URI.create("https://" + host + "/users/someone");
            var remote = new ActorStore(app.ids())
                    .upsertRemote(
                            c,
                            new RemoteActorData(
                                    uri,
                                    ActorType.PERSON,
                                    "someone",
                                    "Someone",
                                    URI.create(uri + "/inbox"),
                                    null,
                                    null,
                                    null,
                                    uri + "#main-key",
                                    null,
                                    null,
                                    null));
            var follows = new FollowStore();
            follows.upsert(c, local.id(), remote.id(), FollowStore.State.ACCEPTED, null);
            follows.upsert(c, remote.id(), local.id(), FollowStore.State.ACCEPTED, null);
            return null;
        });
    }

    @Test
    void onlyAdminsReachAdminEndpoints() {
        var member = api.member("ordinary");
        for (var path :
                List.of("/api/v1/admin/federation/hosts", "/api/v1/admin/domain_blocks", "/api/v1/admin/audit_log")) {
            assertEquals(401, api.get(path, null).statusCode(), path);
            assertEquals(403, api.get(path, member).statusCode(), path);
            assertEquals(200, api.get(path, admin).statusCode(), path);
        }
        assertEquals(
                403,
                api.post("/api/v1/admin/domain_blocks", Map.of("domain", "x.example", "severity", "limit"), member)
                        .statusCode());
        assertEquals(0, api.count("select count(*) from domain_block where domain = 'x.example'"));
    }

    @Test
    void aSuspendShowsWhatItCutsAndNeedsConfirmingThenMembersAreTold() {
        var member = api.member("friendly");
        mutualFollow("hostile.example", "friendly");

        var preview = api.get("/api/v1/admin/domain_blocks/preview?domain=hostile.example", admin);
        assertEquals(200, preview.statusCode(), preview.body());
        assertEquals(1, body(preview).get("followsOut").asLong());
        assertEquals(1, body(preview).get("followsIn").asLong());
        assertEquals(1, body(preview).get("membersAffected").asLong());

        var unconfirmed = api.post(
                "/api/v1/admin/domain_blocks", Map.of("domain", "hostile.example", "severity", "suspend"), admin);
        assertEquals(409, unconfirmed.statusCode(), unconfirmed.body());
        assertTrue(unconfirmed.body().contains("cuts 2 follow(s)"), unconfirmed.body());
        assertEquals(0, api.count("select count(*) from domain_block where domain = 'hostile.example'"));

        var confirmed = api.post(
                "/api/v1/admin/domain_blocks",
                Map.of(
                        "domain",
                        "hostile.example",
                        "severity",
                        "suspend",
                        "reason",
                        "harassment of members",
                        "confirm",
                        true),
                admin);
        assertEquals(201, confirmed.statusCode(), confirmed.body());
        assertEquals(
                0,
                api.count("select count(*) from follow f join actor a on a.id = f.follower_id or a.id = f.followed_id "
                        + "where a.domain = 'hostile.example'"));

        var notices = api.get("/api/v1/me/severed_relationships", member);
        assertEquals(200, notices.statusCode());
        assertEquals("hostile.example", body(notices).get(0).get("domain").asText());
        assertEquals(1, body(notices).get(0).get("lostFollowing").asInt());
        assertEquals(1, body(notices).get(0).get("lostFollowers").asInt());

        var audit = api.get("/api/v1/admin/audit_log", admin);
        assertTrue(
                audit.body().contains("\"action\":\"domain.suspend\"")
                        && audit.body().contains("harassment of members")
                        && audit.body().contains("\"actor\":\"root\""),
                audit.body());

        var export = api.get("/api/v1/admin/domain_blocks/export", admin);
        assertTrue(export.body()
                .startsWith("#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"));
        assertTrue(export.body().contains("hostile.example,suspend,"), export.body());

        assertEquals(
                204,
                api.delete("/api/v1/admin/domain_blocks/hostile.example", admin).statusCode());
        assertEquals(
                0,
                api.count("select count(*) from follow f join actor a on a.id = f.follower_id "
                        + "where a.domain = 'hostile.example'"),
                "nothing severed comes back");
    }

    @Test
    void importReportsBadLinesAndAppliesNothingThenADryRunMatchesTheImport() {
        var bad = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
                + "one.example,suspend,false,false,,false\nnot a domain!,suspend,false,false,,false\n";
        var refused = api.send("POST", "/api/v1/admin/domain_blocks/import", bad, admin);
        assertEquals(422, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("line 3"), refused.body());
        assertEquals(0, api.count("select count(*) from domain_block where domain = 'one.example'"));

        var good = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
                + "one.example,suspend,false,false,,false\ntwo.example,silence,true,false,\"spam, lots\",true\n";
        var dry = api.send("POST", "/api/v1/admin/domain_blocks/import?dry_run=true", good, admin);
        assertEquals(200, dry.statusCode(), dry.body());
        assertEquals(2, body(dry).get("added").size());
        assertFalse(body(dry).get("applied").asBoolean());
        assertEquals(0, api.count("select count(*) from domain_block where domain in ('one.example', 'two.example')"));
        var real = api.send("POST", "/api/v1/admin/domain_blocks/import", good, admin);
        assertEquals(body(dry).get("added"), body(real).get("added"));
        assertEquals(2, api.count("select count(*) from domain_block where domain in ('one.example', 'two.example')"));
        assertEquals(
                1,
                api.count("select count(*) from domain_block where domain = 'two.example' and severity = 'limit' "
                        + "and public_comment = 'spam, lots' and obfuscate"));
    }

    @Test
    void federationStatusShowsHostsAndWhereAnActivityArrived() {
        var app = server.app();
        var sender = app.members().find("root").orElseThrow().actor();
        var recipient = app.database()
                .transaction(c -> new ActorStore(app.ids())
                        .upsertRemote(
                                c,
                                new RemoteActorData(
                                        URI.create("https://far.example/users/x"),
                                        ActorType.PERSON,
                                        "x",
                                        "X",
                                        URI.create("https://far.example/inbox"),
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null)));
        var activityId = sender.uri() + "/activities/test/1";
        app.database()
                .transaction(c -> app.outbox()
                        .enqueue(
                                c,
                                sender,
                                activityId,
                                null,
                                "{\"id\":\"" + activityId + "\",\"type\":\"Create\"}",
                                List.of(recipient)));

        var hosts = api.get("/api/v1/admin/federation/hosts", admin);
        assertTrue(
                hosts.body().contains("\"host\":\"far.example\"")
                        && hosts.body().contains("\"queued\":1"),
                hosts.body());
        var activity = api.get(
                "/api/v1/admin/federation/activity?id="
                        + java.net.URLEncoder.encode(activityId, java.nio.charset.StandardCharsets.UTF_8),
                admin);
        assertEquals(200, activity.statusCode(), activity.body());
        assertTrue(
                activity.body().contains("\"inbox\":\"https://far.example/inbox\"")
                        && activity.body().contains("\"state\":\"queued\""),
                activity.body());
        assertEquals(
                404,
                api.get("/api/v1/admin/federation/activity?id=https://nowhere.example/a", admin)
                        .statusCode());
        assertEquals(400, api.get("/api/v1/admin/federation/activity", admin).statusCode());
    }
}
