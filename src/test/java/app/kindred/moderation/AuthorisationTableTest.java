package app.kindred.moderation;

import static app.kindred.moderation.AuthorisationTableTest.Outcome.NA;
import static app.kindred.moderation.AuthorisationTableTest.Outcome.NO;
import static app.kindred.moderation.AuthorisationTableTest.Outcome.YES;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.DomainPattern;
import app.kindred.api.ApiClient;
import app.kindred.federation.RemotePeer;
import app.kindred.policy.DomainBlock;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7's authorisation table: every action against every role, in one community ("circle").
 * Local roles act through the client API, remote ones by signed activities to the community's inbox
 * (or signed GETs, for reading). An allowed cell must succeed and show its effect; a refused one
 * must be refused (401 or 403, a 404 where a report's existence is not told, 409 where the
 * request is refused by a rule that binds moderators too; over federation, the inbound activity
 * marked rejected with its reason) and must leave every watched table exactly as it was.
 *
 * <p>Choices the table makes that could have gone the other way:
 * <ul>
 *   <li>A banned member can still file a report (being banned must not stop anyone reporting harm)
 *       and delete their own posts (taking one's words back is theirs), but cannot edit them.
 *   <li>Moderators and admins may comment in a locked thread, to say why it was locked (as Lemmy).
 *   <li>Nobody may ban one of the community's moderators without first removing them as moderator.
 *   <li>An admin is not a moderator but can do all of a local community's moderation; instance
 *       administration (domain blocks, audit log) is admins' alone.
 * </ul>
 */
class AuthorisationTableTest {
    /** Each remote role on its own host, so no check can pass by sharing an origin with another. */
    @RegisterExtension
    static WireMockExtension modHost = host();

    @RegisterExtension
    static WireMockExtension memberHost = host();

    @RegisterExtension
    static WireMockExtension bannedHost = host();

    @RegisterExtension
    static WireMockExtension witnessHost = host();

    enum Role {
        ANONYMOUS,
        MEMBER,
        BANNED,
        OTHER_MODERATOR,
        MODERATOR,
        ADMIN,
        REMOTE_MODERATOR,
        REMOTE_MEMBER,
        REMOTE_BANNED;

        boolean remote() {
            return compareTo(REMOTE_MODERATOR) >= 0;
        }

        String label() {
            return name().toLowerCase().replace('_', ' ');
        }
    }

    /** YES: allowed and done; NO: refused with nothing changed; NA: this role has no way to ask. */
    enum Outcome {
        YES,
        NO,
        NA
    }

    /**
     * The table. Remote roles are NA where no activity carries the action (the API is for our own
     * members); reading the moderation log or the report queue is done at the community's home.
     */
    static List<Row> table() {
        return List.of(
                //      action                        anon member banned other  mod  admin r-mod r-memb r-banned
                // Reading what is public
                row(READ_COMMUNITY, YES, YES, YES, YES, YES, YES, YES, YES, YES),
                row(READ_THREADS, YES, YES, YES, YES, YES, YES, YES, YES, YES),
                row(READ_THREAD, YES, YES, YES, YES, YES, YES, YES, YES, YES),
                row(READ_GUIDELINES, YES, YES, YES, YES, YES, YES, NA, NA, NA),
                row(READ_MODERATORS, YES, YES, YES, YES, YES, YES, YES, YES, YES),
                row(READ_MODERATION_LOG, YES, YES, YES, YES, YES, YES, NA, NA, NA),
                row(SEE_MODERATOR_NAMES_IN_LOG, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                // Taking part
                row(FOLLOW, NO, YES, NO, YES, YES, YES, YES, YES, NO),
                row(START_THREAD, NO, YES, NO, YES, YES, YES, YES, YES, NO),
                row(START_THREAD_WHERE_MODS_ONLY, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(COMMENT, NO, YES, NO, YES, YES, YES, YES, YES, NO),
                row(COMMENT_IN_LOCKED_THREAD, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(VOTE, NO, YES, NO, YES, YES, YES, YES, YES, NO),
                row(VOTE_ON_A_DELETED_POST, NO, NO, NO, NO, NO, NO, NO, NO, NO),
                row(EDIT_OWN_POST, NO, YES, NO, YES, YES, YES, YES, YES, NO),
                row(DELETE_OWN_POST, NO, YES, YES, YES, YES, YES, YES, YES, YES),
                row(EDIT_SOMEONE_ELSES_POST, NO, NO, NO, NO, NO, NO, NO, NO, NO),
                row(FILE_REPORT, NO, YES, YES, YES, YES, YES, YES, YES, YES),
                row(CREATE_COMMUNITY, NO, YES, YES, YES, YES, YES, NA, NA, NA),
                // Moderating this community
                row(EDIT_COMMUNITY, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(RESTRICT_POSTING, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(EDIT_GUIDELINES, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(ADD_MODERATOR, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(MAKE_A_BANNED_MEMBER_MODERATOR, NO, NO, NO, NO, NO, NO, NO, NO, NO),
                row(REMOVE_MODERATOR, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(REMOVE_POST, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(REMOVE_A_DELETED_POST, NO, NO, NO, NO, NO, NO, NO, NO, NO),
                row(RESTORE_POST, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(LOCK_THREAD, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(UNLOCK_THREAD, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(PIN_THREAD, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(PIN_A_DELETED_THREAD, NO, NO, NO, NO, NO, NO, NO, NO, NO),
                row(UNPIN_THREAD, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(BAN, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(UNBAN, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(BAN_A_MODERATOR, NO, NO, NO, NO, NO, NO, NO, NO, NO),
                row(LIST_BANS, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(LIST_FOLLOW_REQUESTS, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(APPROVE_FOLLOW_REQUEST, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                // Reports about this community
                row(SEE_REPORTS_IN_QUEUE, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(READ_REPORT, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(RESOLVE_REPORT, NO, NO, NO, NO, YES, YES, YES, NO, NO),
                row(DISMISS_REPORT, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(FORWARD_REPORT, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                // Issue 15's moderators' controls (modset6). No activity carries them, so a remote
                // moderator has no way to ask (NA): notes, escalations and a community's own blocks stay
                // on the community's server, and a remote moderator keeps their own notes at home.
                row(ESCALATE_REPORT, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(READ_MEMBER_NOTES, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(WRITE_MEMBER_NOTE, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(LIST_COMMUNITY_BLOCKS, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(BLOCK_IN_COMMUNITY, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                row(MARK_SENSITIVE, NO, NO, NO, NO, YES, YES, NA, NA, NA),
                // Running the instance
                row(LIST_DOMAIN_BLOCKS, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                row(BLOCK_DOMAIN, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                row(UNBLOCK_DOMAIN, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                row(READ_AUDIT_LOG, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                // The admins' last doors (issue 15, admin7).
                row(READ_INSTANCE_SETTINGS, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                row(CHANGE_INSTANCE_SETTINGS, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                row(LIST_APPLICATIONS, NO, NO, NO, NO, NO, YES, NA, NA, NA),
                row(READ_MEMBER_REPORTS, NO, NO, NO, NO, NO, YES, NA, NA, NA));
    }

    // The running instance and who plays each role.

    private static TestServer server;
    private static ApiClient api;
    private static long circle, groupActorId;
    private static RemotePeer witness;
    private static final Map<Role, String> tokens = new EnumMap<>(Role.class);
    private static final Map<Role, String> usernames = new EnumMap<>(Role.class);
    private static final Map<Role, RemotePeer> peers = new EnumMap<>(Role.class);
    private static final AtomicInteger serial = new AtomicInteger();

    // The actions: how to set one up fresh, ask for it each way, and see whether it happened.

    static final Action READ_COMMUNITY = action("read the community")
            .api(c -> api.get("/api/v1/communities/" + circle, c.token))
            .fetch(c -> groupUri());
    static final Action READ_THREADS = action("read its threads")
            .api(c -> api.get("/api/v1/communities/" + circle + "/threads", c.token))
            .fetch(c -> groupUri() + "/outbox");
    static final Action READ_THREAD = action("read a thread")
            .prepare(c -> thread(c))
            .api(c -> api.get("/api/v1/threads/" + c.post, c.token))
            .fetch(c -> c.postUri);
    static final Action READ_GUIDELINES =
            action("read the guidelines").api(c -> api.get("/api/v1/communities/" + circle + "/rules", c.token));
    static final Action READ_MODERATORS = action("read who moderates")
            .api(c -> api.get("/api/v1/communities/" + circle + "/moderators", c.token))
            .fetch(c -> groupUri() + "/moderators");
    static final Action READ_MODERATION_LOG =
            action("read the moderation log").api(c -> api.get("/api/v1/communities/" + circle + "/modlog", c.token));
    static final Action SEE_MODERATOR_NAMES_IN_LOG = action("see who moderated in the log")
            .api(c -> api.get("/api/v1/communities/" + circle + "/modlog", c.token))
            // The log is public; what only moderators and admins get is the moderators' names in it.
            .verdict((c, r) -> r.statusCode() != 200
                    ? Verdict.OTHER
                    : names(ApiClient.body(r)) ? Verdict.ACCEPTED : Verdict.REFUSED);

    static final Action FOLLOW = action("follow the community")
            .prepare(
                    c -> sql("delete from follow where follower_id = ? and followed_id = ?", c.actorId(), groupActorId))
            .api(c -> api.post("/api/v1/follows", Map.of("community", "circle"), c.token))
            .inbox(c -> activity(c, "Follow", q(groupUri()), null, null))
            // Over federation a refused follow is answered with a Reject, which is the refusal.
            .inboxVerdict(c -> rejectSentFor(c.activityId) ? Verdict.REFUSED : null)
            .effect(c -> count(
                            "select count(*) from follow where follower_id = ? and followed_id = ? and state = 'accepted'",
                            c.actorId(),
                            groupActorId)
                    == 1)
            .cleanup(c ->
                    sql("delete from follow where follower_id = ? and followed_id = ?", c.actorId(), groupActorId));
    static final Action START_THREAD = action("start a thread")
            .api(c -> api.post(
                    "/api/v1/communities/" + circle + "/threads", Map.of("title", c.text, "body", "words"), c.token))
            .inbox(c -> create(c, page(c, null)))
            .effect(c -> count("select count(*) from post where title = ?", c.text) == 1);
    static final Action START_THREAD_WHERE_MODS_ONLY = START_THREAD
            .named("start a thread where only moderators post")
            .prepare(c -> sql("update community set posting_restricted_to_mods = true where id = ?", circle))
            .cleanup(c -> sql("update community set posting_restricted_to_mods = false where id = ?", circle));
    static final Action COMMENT = action("comment")
            .prepare(c -> thread(c))
            .api(c -> api.post("/api/v1/posts/" + c.post + "/comments", Map.of("body", c.text), c.token))
            .inbox(c -> create(c, note(c, c.postUri)))
            .effect(c -> count(
                            "select count(*) from post where parent_id = ? and content_html like ?",
                            c.post,
                            "%" + c.text + "%")
                    == 1);
    static final Action COMMENT_IN_LOCKED_THREAD = COMMENT.named("comment in a locked thread")
            .prepare(c -> {
                thread(c);
                sql("update post set locked_at = now() where id = ?", c.post);
            })
            .refusedWith(403, 409);
    static final Action VOTE = action("vote")
            .prepare(c -> thread(c))
            .api(c -> api.post("/api/v1/posts/" + c.post + "/vote", Map.of("value", 1), c.token))
            .inbox(c -> activity(c, "Like", q(c.postUri), null, null))
            .effect(c -> count("select count(*) from vote where post_id = ?", c.post) == 1);
    // Where the two doors once answered differently (issue 13): one rule now answers both.
    static final Action VOTE_ON_A_DELETED_POST = VOTE.named("vote on a post its author deleted")
            .prepare(c -> deletedThread(c))
            .refusedWith(409);
    static final Action EDIT_OWN_POST = action("edit their own post")
            .prepare(c -> ownPost(c))
            .api(c -> api.patch("/api/v1/posts/" + c.post, Map.of("body", c.text), c.token))
            .inbox(c -> activity(c, "Update", page(c, c.postUri), null, null))
            .effect(c ->
                    count("select count(*) from post where id = ? and content_html like ?", c.post, "%" + c.text + "%")
                            == 1);
    static final Action DELETE_OWN_POST = action("delete their own post")
            .prepare(c -> ownPost(c))
            .api(c -> api.delete("/api/v1/posts/" + c.post, c.token))
            .inbox(c -> activity(c, "Delete", q(c.postUri), null, null))
            .effect(c -> count("select count(*) from post where id = ? and deleted_at is not null", c.post) == 1);
    static final Action EDIT_SOMEONE_ELSES_POST =
            EDIT_OWN_POST.named("edit someone else's post").prepare(c -> thread(c));
    static final Action FILE_REPORT = action("file a report")
            .prepare(c -> thread(c))
            .api(c -> api.post(
                    "/api/v1/reports", Map.of("post", c.post, "category", "harassment", "text", c.text), c.token))
            .inbox(c -> flag(c, c.postUri))
            .effect(c -> count("select count(*) from report_filing where text like ?", "%" + c.text + "%") == 1);
    static final Action CREATE_COMMUNITY = action("create a community")
            .api(c ->
                    api.post("/api/v1/communities", Map.of("name", c.name, "title", "New", "description", ""), c.token))
            .effect(c -> count("select count(*) from actor where local and preferred_username = ?", c.name) == 1);

    static final Action EDIT_COMMUNITY = action("edit the community")
            .api(c -> api.patch("/api/v1/communities/" + circle, Map.of("title", c.text), c.token))
            .inbox(c -> activity(c, "Update", group(c.text, null), null, null))
            .effect(c -> count("select count(*) from community where id = ? and title = ?", circle, c.text) == 1)
            .cleanup(c -> {
                sql("update community set title = 'The circle' where id = ?", circle);
                sql("update actor set name = 'The circle' where id = ?", groupActorId);
            });
    static final Action RESTRICT_POSTING = action("restrict posting to moderators")
            .api(c -> api.patch("/api/v1/communities/" + circle, Map.of("posting_restricted_to_mods", true), c.token))
            .inbox(c -> activity(c, "Update", group("The circle", true), null, null))
            .effect(c ->
                    count("select count(*) from community where id = ? and posting_restricted_to_mods", circle) == 1)
            .cleanup(c -> sql("update community set posting_restricted_to_mods = false where id = ?", circle));
    static final Action EDIT_GUIDELINES = action("edit the guidelines")
            .api(c -> api.send(
                    "PUT", "/api/v1/communities/" + circle + "/rules", "[{\"title\": \"" + c.text + "\"}]", c.token))
            .effect(c ->
                    count("select count(*) from community_rule where community_id = ? and title = ?", circle, c.text)
                            == 1)
            .cleanup(c -> sql("delete from community_rule where community_id = ?", circle));
    static final Action ADD_MODERATOR = action("add a moderator")
            .api(c -> api.post("/api/v1/communities/" + circle + "/moderators", Map.of("actor", "cal"), c.token))
            .inbox(c -> activity(c, "Add", q(localUri("cal")), groupUri() + "/moderators", null))
            .effect(c -> isModerator("cal"))
            .cleanup(c -> sql(
                    "delete from community_moderator where community_id = ? and actor_id = ?",
                    circle,
                    server.actorId("cal")));
    static final Action MAKE_A_BANNED_MEMBER_MODERATOR = action("make a banned member a moderator")
            .api(c -> api.post("/api/v1/communities/" + circle + "/moderators", Map.of("actor", "bo"), c.token))
            .inbox(c -> activity(c, "Add", q(localUri("bo")), groupUri() + "/moderators", null))
            // Moderators are told to lift the ban first: a conflict, not a lack of rights.
            .refusedWith(403, 409)
            .effect(c -> isModerator("bo"))
            .cleanup(c -> sql(
                    "delete from community_moderator where community_id = ? and actor_id = ?",
                    circle,
                    server.actorId("bo")));
    static final Action REMOVE_MODERATOR = action("remove a moderator")
            .prepare(c -> sql(
                    "insert into community_moderator (community_id, actor_id) values (?, ?) on conflict do nothing",
                    circle,
                    server.actorId("cora")))
            .api(c -> api.delete("/api/v1/communities/" + circle + "/moderators?actor=cora", c.token))
            .inbox(c -> activity(c, "Remove", q(localUri("cora")), groupUri() + "/moderators", null))
            .effect(c -> !isModerator("cora"));
    static final Action REMOVE_POST = action("remove a post")
            .prepare(c -> thread(c))
            .api(c -> api.post("/api/v1/posts/" + c.post + "/removal", Map.of("reason", "rule 1"), c.token))
            .inbox(c -> activity(c, "Delete", q(c.postUri), null, "rule 1"))
            .effect(c -> count("select count(*) from post where id = ? and removed_at is not null", c.post) == 1);
    static final Action REMOVE_A_DELETED_POST = REMOVE_POST
            .named("remove a post its author deleted")
            .prepare(c -> deletedThread(c))
            .refusedWith(403, 409);
    static final Action RESTORE_POST = action("restore a removed post")
            .prepare(c -> {
                thread(c);
                sql("update post set removed_at = now(), removal_reason = 'rule 1' where id = ?", c.post);
            })
            .api(c -> api.delete("/api/v1/posts/" + c.post + "/removal", c.token))
            .inbox(c -> undo(c, "Delete", q(c.postUri), null))
            .effect(c -> count("select count(*) from post where id = ? and removed_at is null", c.post) == 1);
    static final Action LOCK_THREAD = action("lock a thread")
            .prepare(c -> thread(c))
            .api(c -> api.post("/api/v1/posts/" + c.post + "/lock", Map.of("reason", "heated"), c.token))
            .inbox(c -> activity(c, "Lock", q(c.postUri), null, "heated"))
            .effect(c -> count("select count(*) from post where id = ? and locked_at is not null", c.post) == 1);
    static final Action UNLOCK_THREAD = action("unlock a thread")
            .prepare(c -> {
                thread(c);
                sql("update post set locked_at = now() where id = ?", c.post);
            })
            .api(c -> api.delete("/api/v1/posts/" + c.post + "/lock", c.token))
            .inbox(c -> undo(c, "Lock", q(c.postUri), null))
            .effect(c -> count("select count(*) from post where id = ? and locked_at is null", c.post) == 1);
    static final Action PIN_THREAD = action("pin a thread")
            .prepare(c -> thread(c))
            .api(c -> api.post("/api/v1/posts/" + c.post + "/pin", Map.of(), c.token))
            .inbox(c -> activity(c, "Add", q(c.postUri), groupUri() + "/featured", null))
            .effect(c -> count("select count(*) from post where id = ? and pinned_at is not null", c.post) == 1);
    static final Action PIN_A_DELETED_THREAD = PIN_THREAD
            .named("pin a thread its author deleted")
            .prepare(c -> deletedThread(c))
            .refusedWith(403, 409);
    static final Action UNPIN_THREAD = action("unpin a thread")
            .prepare(c -> {
                thread(c);
                sql("update post set pinned_at = now() where id = ?", c.post);
            })
            .api(c -> api.delete("/api/v1/posts/" + c.post + "/pin", c.token))
            // Lemmy unpins with Remove from the featured collection, not with Undo{Add}.
            .inbox(c -> activity(c, "Remove", q(c.postUri), groupUri() + "/featured", null))
            .effect(c -> count("select count(*) from post where id = ? and pinned_at is null", c.post) == 1);
    static final Action BAN = action("ban a member")
            .api(c -> api.post(
                    "/api/v1/communities/" + circle + "/bans", Map.of("actor", "vic", "reason", "spam"), c.token))
            .inbox(c -> activity(c, "Block", q(localUri("vic")), groupUri(), "spam"))
            .effect(c -> isBanned("vic"))
            .cleanup(c -> sql(
                    "delete from community_ban where community_id = ? and actor_id = ?",
                    circle,
                    server.actorId("vic")));
    static final Action UNBAN = action("lift a ban")
            .prepare(c -> sql(
                    "insert into community_ban (community_id, actor_id, reason) values (?, ?, 'spam')",
                    circle,
                    server.actorId("vic")))
            .api(c -> api.delete("/api/v1/communities/" + circle + "/bans?actor=vic", c.token))
            .inbox(c -> undo(c, "Block", q(localUri("vic")), groupUri()))
            .effect(c -> !isBanned("vic"))
            .cleanup(c -> sql(
                    "delete from community_ban where community_id = ? and actor_id = ?",
                    circle,
                    server.actorId("vic")));
    static final Action BAN_A_MODERATOR = action("ban one of the community's moderators")
            .prepare(c -> sql(
                    "insert into community_moderator (community_id, actor_id) values (?, ?) on conflict do nothing",
                    circle,
                    server.actorId("cora")))
            .api(c -> api.post(
                    "/api/v1/communities/" + circle + "/bans", Map.of("actor", "cora", "reason", "x"), c.token))
            .inbox(c -> activity(c, "Block", q(localUri("cora")), groupUri(), "x"))
            // Moderators are told to remove the moderator first: a conflict, not a lack of rights.
            .refusedWith(403, 409)
            .effect(c -> isBanned("cora"))
            .cleanup(c -> sql(
                    "delete from community_ban where community_id = ? and actor_id = ?",
                    circle,
                    server.actorId("cora")));
    static final Action LIST_BANS =
            action("list the bans").api(c -> api.get("/api/v1/communities/" + circle + "/bans", c.token));
    static final Action LIST_FOLLOW_REQUESTS = action("list follow requests")
            .api(c -> api.get("/api/v1/communities/" + circle + "/follow_requests", c.token));
    static final Action APPROVE_FOLLOW_REQUEST = action("approve a follow request")
            .prepare(c -> sql("""
                    insert into follow (follower_id, followed_id, state, activity_uri) values (?, ?, 'pending', ?)
                    on conflict (follower_id, followed_id) do update set state = 'pending'""", witnessActorId(), groupActorId, witness.id() + "/follows/1"))
            .api(c -> api.post(
                    "/api/v1/communities/" + circle + "/follow_requests/" + witnessActorId() + "/approve",
                    Map.of(),
                    c.token))
            .effect(c -> count(
                            "select count(*) from follow where follower_id = ? and followed_id = ? and state = 'accepted'",
                            witnessActorId(),
                            groupActorId)
                    == 1)
            .cleanup(c -> sql(
                    "delete from follow where follower_id = ? and followed_id = ?", witnessActorId(), groupActorId));

    static final Action SEE_REPORTS_IN_QUEUE = action("see the community's reports in the queue")
            .prepare(c -> report(c))
            .api(c -> api.get("/api/v1/reports", c.token))
            // A moderator of another community has a queue of their own; this community's reports are not in it.
            .verdict((c, r) -> r.statusCode() != 200
                    ? null
                    : reportIds(ApiClient.body(r)).contains(c.report) ? Verdict.ACCEPTED : Verdict.REFUSED);
    static final Action READ_REPORT = action("read a report")
            .prepare(c -> report(c))
            .api(c -> api.get("/api/v1/reports/" + c.report, c.token))
            // Someone who may not see a report is not told that it exists.
            .refusedWith(404);
    static final Action RESOLVE_REPORT = action("resolve a report")
            .prepare(c -> report(c))
            .api(c -> api.post("/api/v1/reports/" + c.report + "/resolve", Map.of("note", "talked to them"), c.token))
            .inbox(c -> activity(c, "Resolve", q(c.flag), null, null))
            .refusedWith(404)
            .effect(c -> count("select count(*) from report where id = ? and status = 'resolved'", c.report) == 1);
    static final Action DISMISS_REPORT = action("dismiss a report")
            .prepare(c -> report(c))
            .api(c -> api.post("/api/v1/reports/" + c.report + "/dismiss", Map.of("note", "no rule broken"), c.token))
            .refusedWith(404)
            .effect(c -> count("select count(*) from report where id = ? and status = 'dismissed'", c.report) == 1);
    static final Action FORWARD_REPORT = action("forward a report to the author's server")
            .prepare(c -> {
                // A fresh thread by someone on another server, reported by one of our members.
                var thread = witness.activityId().replace("/activities/", "/objects/");
                deliver(witness, create(witness, pageJson(witness, thread, "Elsewhere", "words")));
                c.post = count("select id from post where uri = ?", thread);
                c.report = reportAbout(c.post);
            })
            .api(c -> api.post("/api/v1/reports/" + c.report + "/forward", Map.of(), c.token))
            .refusedWith(404)
            .effect(c -> count("select count(*) from report where id = ? and forwarded_at is not null", c.report) == 1);
    static final Action ESCALATE_REPORT = action("escalate a report to the admins")
            .prepare(c -> report(c))
            .api(c -> api.post("/api/v1/reports/" + c.report + "/escalate", Map.of("note", c.text), c.token))
            .refusedWith(404)
            .effect(c ->
                    count("select count(*) from report_escalation where report_id = ? and note = ?", c.report, c.text)
                            == 1);
    static final Action READ_MEMBER_NOTES = action("read the moderators' notes about a member")
            .api(c -> api.get("/api/v1/communities/" + circle + "/notes?actor=pat", c.token));
    static final Action WRITE_MEMBER_NOTE = action("write a note about a member")
            .api(c -> api.post(
                    "/api/v1/communities/" + circle + "/notes", Map.of("actor", "pat", "text", c.text), c.token))
            .effect(c -> count("select count(*) from member_note where text = ?", c.text) == 1);
    static final Action LIST_COMMUNITY_BLOCKS = action("list the community's blocks")
            .api(c -> api.get("/api/v1/communities/" + circle + "/blocks", c.token));
    static final Action BLOCK_IN_COMMUNITY = action("block a server in the community")
            .api(c -> api.post(
                    "/api/v1/communities/" + circle + "/blocks", Map.of("target", c.text + ".example"), c.token))
            .effect(c -> count("select count(*) from community_block where target = ?", c.text + ".example") == 1)
            .cleanup(c -> sql("delete from community_block where community_id = ?", circle));
    static final Action MARK_SENSITIVE = action("mark the community sensitive")
            .api(c -> api.patch("/api/v1/communities/" + circle, Map.of("sensitive", true), c.token))
            .effect(c -> count("select count(*) from community where id = ? and sensitive", circle) == 1)
            .cleanup(c -> sql("update community set sensitive = false where id = ?", circle));

    static final Action LIST_DOMAIN_BLOCKS =
            action("list domain blocks").api(c -> api.get("/api/v1/admin/domain_blocks", c.token));
    static final Action BLOCK_DOMAIN = action("block a domain")
            .api(c -> api.post(
                    "/api/v1/admin/domain_blocks", Map.of("domain", c.name + ".example", "severity", "limit"), c.token))
            .effect(c -> count("select count(*) from domain_block where domain = ?", c.name + ".example") == 1)
            .cleanup(c -> {
                if (count("select count(*) from domain_block where domain = ?", c.name + ".example") > 0) {
                    server.app().policyService().unblock(DomainPattern.parse(c.name + ".example"), "test", "");
                }
            });
    static final Action UNBLOCK_DOMAIN = action("lift a domain block")
            .prepare(c -> server.app()
                    .policyService()
                    .block(
                            new DomainBlock(
                                    DomainPattern.parse(c.name + ".example"),
                                    DomainBlock.Severity.LIMIT,
                                    false,
                                    false,
                                    "",
                                    "",
                                    false,
                                    null),
                            "test",
                            ""))
            .api(c -> api.delete("/api/v1/admin/domain_blocks/" + c.name + ".example", c.token))
            .effect(c -> count("select count(*) from domain_block where domain = ?", c.name + ".example") == 0)
            .cleanup(BLOCK_DOMAIN.cleanup());
    static final Action READ_AUDIT_LOG =
            action("read the audit log").api(c -> api.get("/api/v1/admin/audit_log", c.token));
    static final Action READ_INSTANCE_SETTINGS =
            action("read the instance settings").api(c -> api.get("/api/v1/admin/instance/settings", c.token));
    static final Action CHANGE_INSTANCE_SETTINGS = action("change the instance settings")
            .api(c -> api.patch("/api/v1/admin/instance/settings", Map.of("description", "by " + c.name), c.token))
            .effect(c -> count("select count(*) from instance_setting where value = ?", "by " + c.name) == 1)
            .cleanup(c -> sql("delete from instance_setting"));
    static final Action LIST_APPLICATIONS =
            action("list the applications").api(c -> api.get("/api/v1/admin/applications", c.token));
    static final Action READ_MEMBER_REPORTS =
            action("read the reports about a member").api(c -> api.get("/api/v1/admin/members/pat/reports", c.token));

    @BeforeAll
    static void start() {
        server = TestServer.start();
        // Inbound only: what is queued for delivery stays in the tables, where the snapshots see it.
        server.app().inboundProcessor().start();
        api = new ApiClient(server);
        for (var name : List.of("pat", "rae", "cal", "cora", "vic")) api.member(name);
        usernames.put(Role.MEMBER, "mia");
        usernames.put(Role.BANNED, "bo");
        usernames.put(Role.OTHER_MODERATOR, "otto");
        usernames.put(Role.MODERATOR, "mira");
        for (var e : usernames.entrySet()) tokens.put(e.getKey(), api.member(e.getValue()));
        server.app().members().create("ada", "correct horse battery", app.kindred.member.Role.ADMIN);
        usernames.put(Role.ADMIN, "ada");
        tokens.put(Role.ADMIN, api.logIn("ada"));

        circle = api.community(tokens.get(Role.MODERATOR), "circle");
        api.community(tokens.get(Role.OTHER_MODERATOR), "elsewhere");
        groupActorId = count("select actor_id from community where id = ?", circle);

        peers.put(Role.REMOTE_MODERATOR, RemotePeer.serve(modHost, "rosa"));
        peers.put(Role.REMOTE_MEMBER, RemotePeer.serve(memberHost, "remy"));
        peers.put(Role.REMOTE_BANNED, RemotePeer.serve(bannedHost, "bram"));
        witness = RemotePeer.serve(witnessHost, "wren");
        var mod = tokens.get(Role.MODERATOR);
        var moderators = "/api/v1/communities/" + circle + "/moderators";
        assertEquals(
                200,
                api.post(
                                moderators,
                                Map.of("actor", peers.get(Role.REMOTE_MODERATOR).id()),
                                mod)
                        .statusCode());
        assertEquals(
                204,
                api.post("/api/v1/communities/" + circle + "/bans", Map.of("actor", "bo", "reason", "harassment"), mod)
                        .statusCode());
        assertEquals(
                204,
                api.post(
                                "/api/v1/communities/" + circle + "/bans",
                                Map.of("actor", peers.get(Role.REMOTE_BANNED).id(), "reason", "harassment"),
                                mod)
                        .statusCode());
        // The witness's actor is stored here, as any remote actor who has written to us is.
        deliver(
                witness,
                create(
                        witness,
                        pageJson(witness, witness.activityId().replace("/activities/", "/objects/"), "Hello", "hi")));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @TestFactory
    Stream<DynamicContainer> everyActionAgainstEveryRole() {
        return table().stream()
                .map(row -> DynamicContainer.dynamicContainer(
                        row.action().name(),
                        Stream.of(Role.values())
                                .filter(role -> row.outcome(role) != NA)
                                .map(role -> DynamicTest.dynamicTest(
                                        role.label() + ": " + (row.outcome(role) == YES ? "allowed" : "refused"),
                                        () -> run(row.action(), role, row.outcome(role))))));
    }

    @Test
    void theTableHasARowForEachActionAndACellForEachRole() throws Exception {
        var named = new LinkedHashMap<String, Action>();
        for (var row : table()) {
            assertNull(
                    named.put(row.action().name(), row.action()),
                    "one row per action: " + row.action().name());
            assertEquals(
                    Role.values().length, row.outcomes().size(), row.action().name());
            for (var role : Role.values()) {
                var outcome = row.outcome(role);
                boolean canAsk =
                        role.remote() ? row.action().remoteForm() : row.action().api() != null;
                assertEquals(
                        canAsk,
                        outcome != NA,
                        row.action().name() + " / " + role.label()
                                + (canAsk
                                        ? ": this role can ask, so the table must say what happens"
                                        : ": this role has no way to ask"));
            }
        }
        for (var field : AuthorisationTableTest.class.getDeclaredFields()) {
            if (field.getType() == Action.class) {
                assertTrue(
                        named.containsValue((Action) field.get(null)),
                        field.getName() + " is defined but in no row of the table");
            }
        }
    }

    // What the table cannot show in one cell: a community the remote moderator moderates alone.

    @Test
    void aRemoteModeratorsEditOfOurCommunityIsLoggedAndAnnouncedAsReceived() {
        var rosa = peers.get(Role.REMOTE_MODERATOR);
        var solo = soloCommunity("solo_edit");
        var update = activityJson(
                rosa, rosa.activityId(), "Update", group(solo, "Renamed from afar", true), null, null, solo);
        assertEquals(new Processed("done", null), deliver(rosa, update, solo));

        var community = ApiClient.body(api.get(
                "/api/v1/communities/"
                        + count(
                                "select c.id from community c join actor a " + "on a.id = c.actor_id where a.uri = ?",
                                solo),
                null));
        assertEquals("Renamed from afar", community.get("title").asText());
        assertEquals(
                "About us", community.get("description").asText(), "the description comes from the Markdown source");
        var log = ApiClient.body(
                api.get("/api/v1/communities/" + community.get("id").asLong() + "/modlog", tokens.get(Role.ADMIN)));
        assertEquals("edit_community", log.get(0).get("action").asText());
        assertEquals(
                "rosa@" + URI.create(rosa.id()).getRawAuthority(),
                log.get(0).get("moderator").asText());
        assertEquals(
                1,
                count(
                        "select count(*) from outbound_activity o join actor a on a.id = o.actor_id "
                                + "where a.uri = ? and o.body like '%\"Announce\"%' and o.body like ?",
                        solo, "%" + parse(update).get("id").asText() + "%"),
                "the group passes the edit on as Lemmy expects: Announce{Update{Group}}");
    }

    @Test
    void aRemoteModeratorCannotLeaveOurCommunityWithoutModerators() {
        var rosa = peers.get(Role.REMOTE_MODERATOR);
        var solo = soloCommunity("solo_last");
        var remove = activityJson(rosa, rosa.activityId(), "Remove", q(rosa.id()), solo + "/moderators", null, solo);
        var processed = deliver(rosa, remove, solo);
        assertEquals("failed", processed.state());
        assertTrue(processed.error().contains("keeps at least one moderator"), processed.error());
        assertEquals(
                1,
                count(
                        "select count(*) from community_moderator m join community c on c.id = m.community_id "
                                + "join actor a on a.id = c.actor_id where a.uri = ?",
                        solo));
    }

    /** A new community of ours whose only moderator is the remote one; its URI. */
    private static String soloCommunity(String name) {
        var mira = tokens.get(Role.MODERATOR);
        long id = api.community(mira, name);
        var path = "/api/v1/communities/" + id + "/moderators";
        assertEquals(
                200,
                api.post(path, Map.of("actor", peers.get(Role.REMOTE_MODERATOR).id()), mira)
                        .statusCode());
        assertEquals(204, api.delete(path + "?actor=mira", mira).statusCode());
        return server.base() + "/c/" + name;
    }

    /** One cell: fresh fixtures, the attempt, and what must (or must not) have changed. */
    private static void run(Action action, Role role, Outcome expected) throws Exception {
        var cell = new Cell(role);
        try {
            action.prepare().accept(cell);
            var before = snapshot();
            var verdict = role.remote() ? attemptRemotely(action, cell) : attemptLocally(action, cell);
            if (expected == YES) {
                assertEquals(Verdict.ACCEPTED, verdict.verdict(), "allowed, but: " + verdict.detail());
                if (action.effect() != null)
                    assertTrue(action.effect().test(cell), "accepted, but nothing happened: " + verdict.detail());
                else assertEquals(before, snapshot(), "reading changed something");
            } else {
                assertEquals(Verdict.REFUSED, verdict.verdict(), "must be refused, but: " + verdict.detail());
                if (action.effect() != null)
                    assertFalse(action.effect().test(cell), "refused, yet it happened: " + verdict.detail());
                assertEquals(before, snapshot(), "refused, yet something changed: " + verdict.detail());
            }
        } finally {
            action.cleanup().accept(cell);
        }
    }

    private static Answer attemptLocally(Action action, Cell cell) {
        var response = action.api().apply(cell);
        var detail = response.statusCode() + " " + response.body();
        if (action.verdict() != null) {
            var custom = action.verdict().apply(cell, response);
            if (custom != null) return new Answer(custom, detail);
        }
        if (response.statusCode() / 100 == 2) return new Answer(Verdict.ACCEPTED, detail);
        boolean refusal = cell.role == Role.ANONYMOUS
                ? response.statusCode() == 401
                : action.refusedAs().contains(response.statusCode());
        boolean problem = "application/problem+json".equals(TestServer.mediaType(response))
                && !ApiClient.body(response).path("detail").asText().isBlank();
        return new Answer(refusal && problem ? Verdict.REFUSED : Verdict.OTHER, detail);
    }

    private static Answer attemptRemotely(Action action, Cell cell) throws Exception {
        if (action.fetch() != null) {
            var response = RemotePeer.get(URI.create(action.fetch().apply(cell)), RemotePeer.AP, cell.peer.cavage());
            var detail = response.statusCode() + " " + response.body();
            return new Answer(response.statusCode() == 200 ? Verdict.ACCEPTED : Verdict.OTHER, detail);
        }
        var processed = deliver(cell.peer, action.inbox().apply(cell));
        var detail = processed.state() + ": " + processed.error();
        if (action.inboxVerdict() != null) {
            var custom = action.inboxVerdict().apply(cell);
            if (custom != null) return new Answer(custom, detail);
        }
        if (processed.state().equals("done") && processed.error() == null) return new Answer(Verdict.ACCEPTED, detail);
        if (processed.state().equals("failed")
                && processed.error() != null
                && processed.error().startsWith("rejected: ")) {
            return new Answer(Verdict.REFUSED, detail);
        }
        return new Answer(Verdict.OTHER, detail);
    }

    // What a cell is refused without changing: every table moderation, posting or reporting can touch.

    private static final List<String> WATCHED = List.of(
            "select * from community",
            "select * from community_moderator",
            "select * from community_rule",
            "select * from community_ban",
            "select * from community_block",
            "select * from member_note",
            "select * from report_escalation",
            "select * from follow",
            "select * from post",
            "select * from vote",
            "select * from moderation_log",
            "select * from report",
            "select * from report_filing",
            // A Reject is how a refused follow is answered over federation; it is the refusal, not a side effect.
            "select * from outbound_activity where body not like '%\"Reject\"%'",
            "select d.* from delivery d join outbound_activity o on o.id = d.outbound_id where o.body not like '%\"Reject\"%'",
            "select * from domain_block",
            "select * from domain_allow",
            "select * from audit_log",
            "select * from severed_relationship",
            "select id, uri, name from actor where local");

    private static Map<String, String> snapshot() {
        var out = new LinkedHashMap<String, String>();
        server.app().database().read(c -> {
            for (var query : WATCHED) {
                out.put(
                        query,
                        Sql.one(
                                        c,
                                        "select coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from ("
                                                + query + ") t",
                                        rs -> rs.getString(1))
                                .orElse(""));
            }
            return null;
        });
        return out;
    }

    // Fixtures

    /** A fresh thread by pat, an ordinary member. */
    private static void thread(Cell c) {
        var post = startThread("pat", "A thread " + c.text);
        c.post = post.id();
        c.postUri = post.uri().toString();
    }

    /** A fresh thread by pat, which pat has deleted. */
    private static void deletedThread(Cell c) {
        thread(c);
        sql("update post set deleted_at = now() where id = ?", c.post);
    }

    /** A fresh thread by the cell's own actor; a banned one wrote it before the ban. */
    private static void ownPost(Cell c) {
        if (c.role == Role.ANONYMOUS) {
            thread(c);
            return;
        }
        long actorId = c.actorId();
        var ban = server.app()
                .database()
                .read(cx -> Sql.one(
                        cx,
                        "select reason from community_ban where community_id = ? and actor_id = ?",
                        rs -> rs.getString(1),
                        circle,
                        actorId));
        sql("delete from community_ban where community_id = ? and actor_id = ?", circle, actorId);
        try {
            if (c.role.remote()) {
                var uri = c.peer.activityId().replace("/activities/", "/objects/");
                deliver(c.peer, create(c.peer, pageJson(c.peer, uri, "Mine", "my words")));
                c.postUri = uri;
                c.post = count("select id from post where uri = ?", uri);
            } else {
                var post = startThread(usernames.get(c.role), "Mine " + c.text);
                c.post = post.id();
                c.postUri = post.uri().toString();
            }
        } finally {
            ban.ifPresent(reason -> sql(
                    "insert into community_ban (community_id, actor_id, reason) values (?, ?, ?)",
                    circle,
                    actorId,
                    reason));
        }
    }

    /** A fresh report about a fresh thread: filed here by rae, or for remote cells as a Flag from another server. */
    private static void report(Cell c) {
        thread(c);
        if (c.role.remote()) {
            var flag = flagJson(witness, witness.activityId(), c.postUri, "please look");
            deliver(witness, flag);
            c.flag = parse(flag).get("id").asText();
            c.report = count("select report_id from report_filing where flag_id = ?", c.flag);
        } else {
            c.report = reportAbout(c.post);
        }
    }

    private static long reportAbout(long post) {
        var rae = server.app().members().find("rae").orElseThrow();
        return server.app()
                .reports()
                .file(rae, new ReportService.Draft(post, null, Category.OTHER, null, "please look", false))
                .report()
                .id();
    }

    private static Post startThread(String username, String title) {
        var member = server.app().members().find(username).orElseThrow();
        return server.app()
                .threads()
                .startThread(member, circle, new ThreadService.Draft(title, "words", null, null, null));
    }

    // Activities, as the remote servers send them

    private static String groupUri() {
        return server.base() + "/c/circle";
    }

    private static String localUri(String username) {
        return server.base() + "/u/" + username;
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    /** An activity from the cell's actor; object is JSON (a quoted URI or an embedded object). */
    private static String activity(Cell c, String type, String object, String target, String summary) {
        c.activityId = c.peer.activityId();
        return activityJson(c.peer, c.activityId, type, object, target, summary);
    }

    private static String activityJson(
            RemotePeer peer, String id, String type, String object, String target, String summary) {
        return activityJson(peer, id, type, object, target, summary, groupUri());
    }

    private static String activityJson(
            RemotePeer peer, String id, String type, String object, String target, String summary, String group) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "%s", "actor": "%s",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"], "audience": "%s", "object": %s%s%s}""".formatted(
                        id,
                        type,
                        peer.id(),
                        group,
                        group,
                        object,
                        target == null ? "" : ", \"target\": " + q(target),
                        summary == null ? "" : ", \"summary\": " + q(summary));
    }

    /** Undo of an activity of the given type, embedded as Lemmy sends it. */
    private static String undo(Cell c, String type, String object, String target) {
        var inner = activityJson(c.peer, c.peer.activityId(), type, object, target, null);
        return activity(
                c, "Undo", inner.replace("\"@context\": \"https://www.w3.org/ns/activitystreams\", ", ""), null, null);
    }

    private static String create(Cell c, String object) {
        return activity(c, "Create", object, null, null);
    }

    private static String create(RemotePeer peer, String object) {
        return activityJson(peer, peer.activityId(), "Create", object, null, null);
    }

    /** A thread (no parent) or, with an id, that thread as its author edits it. */
    private static String page(Cell c, String id) {
        return pageJson(
                c.peer, id != null ? id : c.peer.activityId().replace("/activities/", "/objects/"), c.text, c.text);
    }

    private static String pageJson(RemotePeer author, String id, String title, String text) {
        return """
                {"id": "%s", "type": "Page", "attributedTo": "%s", "name": "%s", "content": "<p>%s</p>",
                 "to": ["%s", "https://www.w3.org/ns/activitystreams#Public"], "audience": "%s"}""".formatted(id, author.id(), title, text, groupUri(), groupUri());
    }

    private static String note(Cell c, String inReplyTo) {
        return """
                {"id": "%s", "type": "Note", "attributedTo": "%s", "content": "<p>%s</p>", "inReplyTo": "%s",
                 "to": ["%s", "https://www.w3.org/ns/activitystreams#Public"], "audience": "%s"}""".formatted(
                        c.peer.activityId().replace("/activities/", "/objects/"),
                        c.peer.id(),
                        c.text,
                        inReplyTo,
                        groupUri(),
                        groupUri());
    }

    /** The community as a moderator on another server edits it: Lemmy's Update{Group}. */
    private static String group(String title, Boolean restricted) {
        return group(groupUri(), title, restricted);
    }

    private static String group(String uri, String title, Boolean restricted) {
        return """
                {"id": "%1$s", "type": "Group", "preferredUsername": "circle", "name": "%2$s", "inbox": "%1$s/inbox",
                 "outbox": "%1$s/outbox", "followers": "%1$s/followers", "attributedTo": "%1$s/moderators",
                 "summary": "<p>About us</p>", "source": {"content": "About us", "mediaType": "text/markdown"}%3$s}""".formatted(uri, title, restricted == null ? "" : ", \"postingRestrictedToMods\": " + restricted);
    }

    /** Lemmy's Flag: one post, the text in summary, to the community. */
    private static String flag(Cell c, String postUri) {
        c.activityId = c.peer.activityId();
        return flagJson(c.peer, c.activityId, postUri, c.text);
    }

    private static String flagJson(RemotePeer peer, String id, String postUri, String text) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Flag", "actor": "%s",
                 "to": ["%s"], "object": ["%s"], "summary": "%s"}""".formatted(id, peer.id(), groupUri(), postUri, text);
    }

    /** What became of an activity sent to the community's inbox, once it has been processed. */
    private record Processed(String state, String error) {}

    private static Processed deliver(RemotePeer peer, String activity) {
        return deliver(peer, activity, groupUri());
    }

    private static Processed deliver(RemotePeer peer, String activity, String group) {
        var id = parse(activity).get("id").asText();
        var response = RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, activity, peer.cavage());
        assertEquals(202, response.statusCode(), response.body());
        var deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            var row = server.app()
                    .database()
                    .read(c -> Sql.one(
                            c,
                            "select state, last_error from inbound_activity where activity_id = ?",
                            rs -> new Processed(rs.getString(1), rs.getString(2)),
                            id))
                    .orElseThrow();
            if (!row.state().equals("pending")) return row;
            if (Instant.now().isAfter(deadline)) throw new AssertionError("not processed in time: " + row);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static boolean rejectSentFor(String activityId) {
        return count(
                        "select count(*) from outbound_activity where body like '%\"Reject\"%' and body like ?",
                        "%" + activityId + "%")
                > 0;
    }

    // Small reads

    private static JsonNode parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static boolean names(JsonNode log) {
        assertFalse(log.isEmpty(), "the log has entries to show");
        for (var entry : log)
            if (!entry.path("moderator").isNull() && !entry.path("moderator").isMissingNode()) return true;
        return false;
    }

    private static List<Long> reportIds(JsonNode queue) {
        var out = new ArrayList<Long>();
        for (var r : queue) out.add(r.get("id").asLong());
        return out;
    }

    private static boolean isModerator(String username) {
        return count(
                        "select count(*) from community_moderator where community_id = ? and actor_id = ?",
                        circle,
                        server.actorId(username))
                == 1;
    }

    private static boolean isBanned(String username) {
        return count(
                        "select count(*) from community_ban where community_id = ? and actor_id = ?",
                        circle,
                        server.actorId(username))
                == 1;
    }

    private static long witnessActorId() {
        return count("select id from actor where uri = ?", witness.id());
    }

    /** A count, or a single id. */
    private static long count(String sql, Object... params) {
        return server.app()
                .database()
                .read(c -> Sql.one(c, sql, rs -> rs.getLong(1), params))
                .orElseThrow(() -> new AssertionError("no row for " + sql));
    }

    private static void sql(String sql, Object... params) {
        server.sql(sql, params);
    }

    private static WireMockExtension host() {
        // The actors are served for the whole class, not reset before each test.
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
                .resetOnEachTest(false)
                .build();
    }

    // The table's machinery

    enum Verdict {
        ACCEPTED,
        REFUSED,
        OTHER
    }

    private record Answer(Verdict verdict, String detail) {}

    record Row(Action action, List<Outcome> outcomes) {
        Outcome outcome(Role role) {
            return outcomes.get(role.ordinal());
        }
    }

    private static Row row(Action action, Outcome... outcomes) {
        return new Row(action, List.of(outcomes));
    }

    /** The actor of one cell, and the fresh things made for it. */
    static final class Cell {
        final Role role;
        final String token;
        final RemotePeer peer;
        /** Unique in the whole run, so an effect is found by it and by nothing else. */
        final String text = "t" + serial.incrementAndGet() + "x"
                + UUID.randomUUID().toString().substring(0, 8);

        final String name = "n" + text.substring(1).replace("x", "");
        long post;
        String postUri;
        long report;
        String flag;
        String activityId;

        Cell(Role role) {
            this.role = role;
            this.token = tokens.get(role);
            this.peer = peers.get(role);
        }

        long actorId() {
            if (peer != null) return count("select id from actor where uri = ?", peer.id());
            return role == Role.ANONYMOUS ? -1 : server.actorId(usernames.get(role));
        }
    }

    /**
     * An action: how to set up a fresh cell, how a local member asks (the API), how a remote actor
     * asks (an activity to the inbox, or a signed GET), and what shows that it happened.
     */
    record Action(
            String name,
            Consumer<Cell> prepare,
            Function<Cell, HttpResponse<String>> api,
            Function<Cell, String> inbox,
            Function<Cell, String> fetch,
            Predicate<Cell> effect,
            Consumer<Cell> cleanup,
            Set<Integer> refusedAs,
            BiFunction<Cell, HttpResponse<String>, Verdict> verdict,
            Function<Cell, Verdict> inboxVerdict) {
        boolean remoteForm() {
            return inbox != null || fetch != null;
        }

        Action named(String other) {
            return new Action(other, prepare, api, inbox, fetch, effect, cleanup, refusedAs, verdict, inboxVerdict);
        }

        Action prepare(Consumer<Cell> p) {
            return new Action(name, p, api, inbox, fetch, effect, cleanup, refusedAs, verdict, inboxVerdict);
        }

        Action api(Function<Cell, HttpResponse<String>> a) {
            return new Action(name, prepare, a, inbox, fetch, effect, cleanup, refusedAs, verdict, inboxVerdict);
        }

        Action inbox(Function<Cell, String> i) {
            return new Action(name, prepare, api, i, fetch, effect, cleanup, refusedAs, verdict, inboxVerdict);
        }

        Action fetch(Function<Cell, String> f) {
            return new Action(name, prepare, api, inbox, f, effect, cleanup, refusedAs, verdict, inboxVerdict);
        }

        Action effect(Predicate<Cell> e) {
            return new Action(name, prepare, api, inbox, fetch, e, cleanup, refusedAs, verdict, inboxVerdict);
        }

        Action cleanup(Consumer<Cell> c) {
            return new Action(name, prepare, api, inbox, fetch, effect, c, refusedAs, verdict, inboxVerdict);
        }

        /** The statuses a signed-in member is refused with (anonymous is always 401). */
        Action refusedWith(Integer... statuses) {
            return new Action(
                    name, prepare, api, inbox, fetch, effect, cleanup, Set.of(statuses), verdict, inboxVerdict);
        }

        Action verdict(BiFunction<Cell, HttpResponse<String>, Verdict> v) {
            return new Action(name, prepare, api, inbox, fetch, effect, cleanup, refusedAs, v, inboxVerdict);
        }

        Action inboxVerdict(Function<Cell, Verdict> v) {
            return new Action(name, prepare, api, inbox, fetch, effect, cleanup, refusedAs, verdict, v);
        }
    }

    private static Action action(String name) {
        return new Action(name, c -> {}, null, null, null, null, c -> {}, Set.of(403), null, null);
    }
}
