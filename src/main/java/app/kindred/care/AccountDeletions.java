package app.kindred.care;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.member.MemberService;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member deletes their account (issue 18). They confirm with their password and choose whether
 * their posts are deleted or kept as "[deleted member]"; the deletion waits for the grace period
 * ({@code accounts.deletion_grace}), during which signing in cancels it. Then one transaction erases
 * the account and queues {@code Delete{Person}} to every server that has anything of theirs
 * (transactional outbox); the actor's private key is erased once that Delete has been delivered,
 * since it is what signs it. Their name is kept from anyone else for {@link MemberService#NAME_KEPT}.
 */
public final class AccountDeletions {
    private static final Logger log = LoggerFactory.getLogger(AccountDeletions.class);

    /** Past this, a gone actor's key goes even if a host never took its Delete (it has long given up). */
    private static final Duration KEY_KEPT_AT_MOST = Duration.ofDays(30);

    /**
     * Tells the fediverse that a person left, in the caller's transaction. Federation implements it
     * (builds the {@code Delete{Person}} and queues it); this feature never builds wire JSON.
     */
    @FunctionalInterface
    public interface Farewell {
        /** @param contentRemoved whether their posts were deleted (Lemmy's {@code removeData}) or kept */
        void departed(Connection c, Actor person, boolean contentRemoved, List<Actor> recipients) throws SQLException;
    }

    /** A deletion waiting for its grace period to end. */
    public record Scheduled(Instant requestedAt, Instant dueAt, boolean keepPosts) {}

    private final Database db;
    private final Clock clock;
    private final Duration grace;
    private final MemberService members;
    private final MediaService media;
    private final Exports exports;
    private final Farewell farewell;
    private volatile Runnable wake = () -> {};

    public AccountDeletions(
            Database db,
            Clock clock,
            Duration grace,
            MemberService members,
            MediaService media,
            Exports exports,
            Farewell farewell) {
        this.db = db;
        this.clock = clock;
        this.grace = grace;
        this.members = members;
        this.media = media;
        this.exports = exports;
        this.farewell = farewell;
    }

    void onScheduled(Runnable wake) {
        this.wake = wake;
    }

    public Duration grace() {
        return grace;
    }

    /**
     * Schedules the member's deletion when the password is theirs, and signs them out everywhere: the
     * next sign-in, whoever makes it, cancels the deletion. Asking again replaces the choice and the date.
     */
    public Scheduled schedule(Member member, String password, Boolean keepPosts) {
        if (keepPosts == null) {
            throw Refusal.invalid("keep_posts", "say whether your posts are kept (true) or deleted (false)");
        }
        if (password == null || password.isEmpty()) {
            throw Refusal.invalid("password", "enter your password to confirm it is you");
        }
        // Hashing runs outside any transaction; a wrong password changes nothing.
        if (members.authenticate(member.username(), password).isEmpty()) {
            throw Refusal.invalid("password", "the password is wrong; your account is unchanged");
        }
        var now = clock.instant();
        var due = now.plus(grace);
        db.transaction(c -> {
            refuseLastAdmin(c, member);
            Sql.update(c, """
                    insert into account_deletion (account_id, keep_posts, requested_at, due_at) values (?, ?, ?, ?)
                    on conflict (account_id) do update set keep_posts = excluded.keep_posts,
                        requested_at = excluded.requested_at, due_at = excluded.due_at""", member.id(), keepPosts, now, due);
            Sql.update(
                    c,
                    "update session set revoked_at = ? where account_id = ? and revoked_at is null",
                    now,
                    member.id());
            return null;
        });
        wake.run();
        return new Scheduled(now, due, keepPosts);
    }

    /**
     * A server must keep someone who can run it: the only admin (counting none already leaving) cannot
     * leave. The admins' rows are locked first, so two admins leaving at once cannot both be let go.
     */
    private static void refuseLastAdmin(Connection c, Member member) throws SQLException {
        var admins =
                Sql.list(c, "select id from account where role = 'admin' order by id for update", rs -> rs.getLong(1));
        if (!admins.contains(member.id())) return;
        long staying = Sql.one(c, """
                        select count(*) from account a where a.role = 'admin' and a.id <> ?
                          and not exists (select 1 from account_deletion d where d.account_id = a.id)""", rs -> rs.getLong(1), member.id()).orElse(0L);
        if (staying == 0) {
            throw Refusal.conflict(
                    "role",
                    "you are the only admin of this server; make someone else an admin first, then you can"
                            + " delete your account");
        }
    }

    public Optional<Scheduled> scheduled(Member member) {
        return db.read(c -> Sql.one(
                c,
                "select requested_at, due_at, keep_posts from account_deletion where account_id = ?",
                rs -> new Scheduled(
                        Sql.instant(rs, "requested_at"), Sql.instant(rs, "due_at"), rs.getBoolean("keep_posts")),
                member.id()));
    }

    /**
     * Runs the oldest due deletion, if any; returns whether there was one. The row stays locked (SKIP
     * LOCKED for other processes) through the one transaction that erases the account, so a crash
     * rolls everything back and the deletion runs again, and two processes never run the same one.
     * Public for tests, which run deletions without the worker.
     */
    public boolean runNext() {
        var now = clock.instant();
        var ran = db.transaction(c -> {
            var due = Sql.one(c, """
                    select d.account_id, d.keep_posts, a.actor_id from account_deletion d join account a on a.id = d.account_id
                    where d.due_at <= ? order by d.due_at limit 1 for update of d skip locked""", rs -> new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0, rs.getLong(3)}, now);
            if (due.isEmpty()) return Optional.<Long>empty();
            erase(c, due.get()[0], due.get()[2], due.get()[1] == 1);
            return Optional.of(due.get()[0]);
        });
        if (ran.isEmpty()) return false;
        // Files go once the erasure is committed: a rollback must not leave an account without its images.
        media.purgeFiles();
        exports.forgetFiles(ran.get());
        log.info("a member's account was deleted");
        return true;
    }

    private void erase(Connection c, long accountId, long actorId, boolean keepPosts) throws SQLException {
        var person = Sql.one(
                        c,
                        "select " + ActorStore.columns("a") + " from actor a where a.id = ?",
                        ActorStore::map,
                        actorId)
                .orElseThrow();
        var recipients = recipients(c, actorId);
        // What they sent before says who they were and, unless kept, what they wrote: it is no longer served or sent.
        if (!keepPosts) {
            Sql.update(c, """
                    delete from outbound_activity where object_id in (select uri from post where author_id = ?)""", actorId);
        }
        Sql.update(c, "delete from outbound_activity where actor_id = ?", actorId);
        // Our communities' announces of what they did (a vote, a post kept anonymous) embed their actor id.
        Sql.update(c, """
                delete from outbound_activity o where o.actor_id in (
                    select co.actor_id from community co join actor ca on ca.id = co.actor_id where ca.local and co.id in (
                        select p.community_id from post p where p.author_id = ?
                        union select p.community_id from vote v join post p on p.id = v.post_id where v.actor_id = ?))
                  and strpos(o.body, ?) > 0""", actorId, actorId, person.uri().toString());
        Sql.update(
                c,
                "delete from inbound_activity where actor_uri = ?",
                person.uri().toString());
        farewell.departed(c, person, !keepPosts, recipients);

        Departures.depart(c, actorId, keepPosts);
        media.ownerDeleted(c, actorId);
        // The image rows stay (a removed image's id is never reused); the words they wrote for it do not.
        Sql.update(c, "update media set alt = null, owner_id = null where owner_id = ?", actorId);
        // Their reports stay for the moderators, without their name.
        Sql.update(c, """
                update report_filing set reporter_id = null, show_identity = false, flag_body = null
                where reporter_id = ? and local""", actorId);
        Sql.update(c, "update report set decided_by = null where decided_by = ?", actorId);
        Sql.update(c, "update moderation_log set moderator_id = null where moderator_id = ?", actorId);
        // Issue 17: their anonymous posts stay under their pseudonyms (numbers kept); who wrote them is forgotten.
        Sql.update(c, "update pseudonym set author_id = actor_id where author_id = ?", actorId);
        // Sessions, notifications, blocks, mutes, hidden communities, breaks, exports and the schedule
        // itself go with the account (on delete cascade); the actor row stays, emptied.
        Sql.update(c, "delete from account where id = ?", accountId);
    }

    /**
     * Every remote actor whose server has something of theirs: the followers of our communities they
     * posted in, the remote communities they posted in or followed, and whoever followed them.
     */
    private static List<Actor> recipients(Connection c, long actorId) throws SQLException {
        return Sql.list(
                c,
                "select " + ActorStore.columns("r") + " from actor r " + """
                 where not r.local and r.gone_at is null and r.suspended_at is null and r.id in (
                    select f.follower_id from follow f
                    where f.state = 'accepted' and f.followed_id in (
                        select co.actor_id from post p join community co on co.id = p.community_id
                        join actor ca on ca.id = co.actor_id where p.author_id = ? and ca.local)
                    union
                    select co.actor_id from post p join community co on co.id = p.community_id where p.author_id = ?
                    union
                    select f.followed_id from follow f where f.follower_id = ?
                    union
                    select f.follower_id from follow f where f.followed_id = ?)""",
                ActorStore::map,
                actorId,
                actorId,
                actorId,
                actorId);
    }

    /**
     * Erases the private keys of members who left once nothing they signed waits to be delivered
     * (or, past {@link #KEY_KEPT_AT_MOST}, regardless); returns how many.
     */
    public int eraseSpentKeys() {
        var cutoff = clock.instant().minus(KEY_KEPT_AT_MOST);
        return db.transaction(c -> {
            var spent = Sql.list(c, """
                    select a.id from actor a join actor_private_key k on k.actor_id = a.id
                    where a.local and a.type = 'Person' and a.gone_at is not null
                      and (a.gone_at < ? or not exists (
                            select 1 from outbound_activity o where o.actor_id = a.id and (
                                exists (select 1 from delivery d where d.outbound_id = o.id
                                        and d.state in ('queued', 'in_flight', 'parked'))
                                or exists (select 1 from delivery_fanout f where f.outbound_id = o.id))))
                    for update of a skip locked""", rs -> rs.getLong(1), cutoff);
            for (long id : spent) {
                Sql.update(c, "delete from actor_private_key where actor_id = ?", id);
                Sql.update(c, """
                        update actor set public_key_pem = null, ed25519_multibase = null where id = ?""", id);
            }
            return spent.size();
        });
    }
}
