package app.kindred.delivery;

import app.kindred.actor.Actor;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedSet;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * The transactional outbox. A feature calls {@link #enqueue} (named recipients) or
 * {@link #enqueueToFollowers} (an actor's followers) inside the transaction that makes its change:
 * the activity, serialised once, commits or rolls back with the change, so a crash can delay a
 * delivery but never lose one or send one for nothing.
 */
public final class Outbox {
    public static final String CHANNEL = "kindred_delivery";

    private final Predicate<String> federates;

    /** @param federates whether a host may receive anything from us (the federation policy) */
    public Outbox(Predicate<String> federates) {
        this.federates = federates;
    }

    /** What was queued: how many remote inboxes and how many local actors. */
    public record Queued(long outboundId, int remoteInboxes, int localRecipients) {}

    public Queued enqueue(
            Connection c, Actor sender, String activityId, String objectId, String body, Collection<Actor> recipients)
            throws SQLException {
        long outboundId = store(c, sender, activityId, objectId, body);
        var inboxes = new LinkedHashSet<URI>();
        int local = 0;
        for (var recipient : recipients) {
            if (recipient.local()) {
                local += InboundQueue.receiveLocally(c, activityId, sender.uri(), recipient.inbox(), body);
            } else if (recipient.id() != sender.id()) {
                inboxes.add(preferredInbox(recipient));
            }
        }
        int remote = insertDeliveries(c, outboundId, objectId, inboxes);
        if (remote > 0) notifyWorkers(c);
        return new Queued(outboundId, remote, local);
    }

    /** An activity to queue: its id, the object it is about (for ordering), its JSON, whether anyone may fetch it. */
    public record Activity(String id, String objectId, String body, boolean servedPublicly) {}

    /**
     * Queues activities, in this order, for every remote accepted follower of {@code followersOf}
     * (and any remote actor in {@code alsoTo}), each as one fan-out row that the delivery worker expands into
     * deliveries. One statement for all of them: accepting a post into a community with thousands
     * of followers stays one round trip to the database for its announces.
     */
    public void enqueueToFollowers(
            Connection c, Actor sender, List<Activity> activities, Actor followersOf, Collection<Actor> alsoTo)
            throws SQLException {
        if (activities.isEmpty()) return;
        // Our own members read our communities directly: a fan-out reaches remote actors only.
        var extra = new ArrayList<String>();
        for (var recipient : alsoTo)
            if (!recipient.local()) extra.add(preferredInbox(recipient).toString());
        // Ids are taken in the order of the list, which is the order deliveries of one object keep. The
        // activities go as plain parameters: encoding their bodies into a text[] cost more than the insert.
        var rows = new StringJoiner(", ");
        var params = new ArrayList<>(activities.size() * 3 + 4);
        for (int i = 0; i < activities.size(); i++) {
            rows.add("(?::text, ?::text, ?::text, ?::boolean, " + i + ")");
            var a = activities.get(i);
            params.addAll(Arrays.asList(a.id(), a.objectId(), a.body(), a.servedPublicly()));
        }
        params.addAll(Arrays.asList(sender.id(), followersOf.id(), c.createArrayOf("text", extra.toArray()), CHANNEL));
        Sql.one(c, """
                with t (id, object_id, body, public, n) as (values %s),
                o as (
                    insert into outbound_activity (activity_id, actor_id, object_id, body, public)
                    select t.id, ?, t.object_id, t.body, t.public from t order by t.n
                    returning id, object_id),
                f as (
                    insert into delivery_fanout (outbound_id, followers_of, also_to, object_id)
                    select o.id, ?, ?::text[], o.object_id from o order by o.id)
                select pg_notify(?, '')""".formatted(rows), rs -> 1, params.toArray());
    }

    /**
     * A follower is leaving {@code followedActorId}'s followers against their will (a ban, a block, a suspend
     * ends the follow): what was queued while they followed, and has not yet expanded, still reaches them. A moderator's
     * removal followed at once by a ban would otherwise never reach the banned member's server, which would go
     * on showing the removed post. A suspended or gone follower gets nothing more. Call before the follow is
     * deleted; {@code FollowStore.end} is the one caller.
     */
    public static void keepQueuedFor(Connection c, long followedActorId, long followerActorId) throws SQLException {
        Sql.update(c, """
                update delivery_fanout f set also_to = array_append(f.also_to, coalesce(a.shared_inbox, a.inbox))
                from actor a
                where f.followers_of = ? and a.id = ? and not a.local and a.suspended_at is null and a.gone_at is null
                  and exists (select 1 from follow where follower_id = a.id and followed_id = ? and state = 'accepted')
                  and not (coalesce(a.shared_inbox, a.inbox) = any (f.also_to))""", followedActorId, followerActorId, followedActorId);
    }

    /**
     * Expands up to {@code limit} waiting fan-outs into deliveries, oldest first, and deletes them,
     * in the caller's transaction. Rows are locked with SKIP LOCKED, so processes expand different
     * ones; order per object is kept by outbound id, not by who expands first.
     *
     * @return how many fan-outs were expanded
     */
    public int expandFanouts(Connection c, int limit) throws SQLException {
        record Fanout(long outboundId, long followersOf, String[] alsoTo, String objectId) {}
        var fanouts = Sql.list(
                c,
                """
                delete from delivery_fanout where id in (
                    select id from delivery_fanout order by id limit ? for update skip locked)
                returning outbound_id, followers_of, also_to, object_id""",
                rs -> new Fanout(
                        rs.getLong(1), rs.getLong(2), (String[]) rs.getArray(3).getArray(), rs.getString(4)),
                limit);
        // A community's two announces of one post share a single read of its followers.
        Map<Long, List<String>> followerInboxes = new HashMap<>();
        int queued = 0;
        for (var fanout : fanouts) {
            var inboxes = new LinkedHashSet<URI>();
            var followers = followerInboxes.get(fanout.followersOf());
            if (followers == null) {
                followers = followerInboxes(c, fanout.followersOf());
                followerInboxes.put(fanout.followersOf(), followers);
            }
            for (var inbox : followers) inboxes.add(URI.create(inbox));
            for (var inbox : fanout.alsoTo()) inboxes.add(URI.create(inbox));
            queued += insertDeliveries(c, fanout.outboundId(), fanout.objectId(), inboxes);
        }
        if (queued > 0) notifyWorkers(c);
        return fanouts.size();
    }

    /** How many fan-outs wait to be expanded (for status pages). */
    public static long waitingFanouts(Connection c) throws SQLException {
        return Sql.count(c, "select count(*) from delivery_fanout");
    }

    private static List<String> followerInboxes(Connection c, long actorId) throws SQLException {
        // Shared inboxes are preferred: one POST per server, not per follower.
        return Sql.list(c, """
                select distinct coalesce(a.shared_inbox, a.inbox) from follow f join actor a on a.id = f.follower_id
                where f.followed_id = ? and f.state = 'accepted' and not a.local and a.gone_at is null""", rs -> rs.getString(1), actorId);
    }

    private static long store(Connection c, Actor sender, String activityId, String objectId, String body)
            throws SQLException {
        return Sql.insert(c, """
                insert into outbound_activity (activity_id, actor_id, object_id, body, public)
                select ?, ?, ?, t.body, served_publicly(t.body) from (select ?::text as body) t returning id""", activityId, sender.id(), objectId, body);
    }

    private static URI preferredInbox(Actor actor) {
        return actor.sharedInbox() != null ? actor.sharedInbox() : actor.inbox();
    }

    private int insertDeliveries(Connection c, long outboundId, String objectId, SequencedSet<URI> inboxes)
            throws SQLException {
        var allowed = inboxes.stream().filter(i -> federates.test(host(i))).toList();
        if (allowed.isEmpty()) return 0;
        var targets = allowed.stream().map(URI::toString).toArray(String[]::new);
        var hosts = allowed.stream().map(Outbox::host).toArray(String[]::new);
        // One statement for every inbox: a fan-out to thousands of hosts stays a few milliseconds.
        // Gone actors get nothing; a host already marked unavailable gets the delivery parked, released at its next
        // sign of life.
        return Sql.update(
                c, """
                insert into delivery (outbound_id, inbox, host, object_id, state)
                select ?::bigint, t.inbox, t.host, ?::text,
                       case when exists (select 1 from host_health h where h.host = t.host and h.unavailable)
                            then 'parked' else 'queued' end
                from unnest(?::text[], ?::text[]) with ordinality as t(inbox, host, n)
                where not exists (select 1 from actor a where a.inbox = t.inbox and a.gone_at is not null)
                order by t.n""", outboundId, objectId, c.createArrayOf("text", targets), c.createArrayOf("text", hosts));
    }

    private static String host(URI inbox) {
        return inbox.getRawAuthority().toLowerCase(Locale.ROOT);
    }

    private static void notifyWorkers(Connection c) throws SQLException {
        Sql.one(c, "select pg_notify(?, '')", rs -> 1, CHANNEL);
    }

    /**
     * A member was removed from a private community (issue 17): what the community queued for their inbox and has
     * not yet sent is withdrawn, unless another approved follower reads from the same (shared) inbox. Call after
     * the follow ended.
     */
    public static int withdrawQueuedFor(Connection c, long followedActorId, long followerActorId) throws SQLException {
        return Sql.update(c, """
                delete from delivery d using outbound_activity o, actor a
                where d.outbound_id = o.id and o.actor_id = ? and a.id = ? and not a.local
                  and d.state in ('queued', 'parked') and d.inbox in (a.inbox, coalesce(a.shared_inbox, a.inbox))
                  and not exists (select 1 from follow f join actor b on b.id = f.follower_id
                                  where f.followed_id = ? and f.state = 'accepted'
                                    and coalesce(b.shared_inbox, b.inbox) = d.inbox)""", followedActorId, followerActorId, followedActorId);
    }
}
