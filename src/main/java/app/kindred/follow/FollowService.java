package app.kindred.follow;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorResolver;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.community.Community;
import app.kindred.community.CommunityOrigin;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.community.Participant;
import app.kindred.delivery.Outbox;
import app.kindred.member.Member;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Members following communities: local ones at once, remote ones by Follow, pending until Accept. */
public final class FollowService {
    /** Taken here, not in a route, so the API and the web pages count against the same limits. */
    private final RateLimits limits;

    private static final Logger log = LoggerFactory.getLogger(FollowService.class);
    private final Database db;
    private final FollowStore follows;
    private final CommunityStore communities;
    private final ActorResolver remoteActors;
    private final FollowEvents events;
    private final ActorStore actors;
    private final CommunityOrigin remoteCommunities;
    private final Following following;

    public FollowService(
            Database db,
            FollowStore follows,
            CommunityStore communities,
            ActorResolver remoteActors,
            CommunityOrigin remoteCommunities,
            FollowEvents events,
            ActorStore actors,
            RateLimits limits) {
        this.db = db;
        this.limits = limits;
        this.follows = follows;
        this.communities = communities;
        this.remoteActors = remoteActors;
        this.remoteCommunities = remoteCommunities;
        this.events = events;
        this.actors = actors;
        this.following = new Following(communities);
    }

    public record Subscription(Community community, FollowStore.State state) {}

    /** By local name, `!name@host`, `@name@host` or URL. */
    public Subscription follow(Member member, String community) {
        return follow(member, community, List.of());
    }

    /**
     * As {@link #follow(Member, String)}, with answers to a private community's application questions:
     * the follow then waits for a moderator (issue 17).
     */
    public Subscription follow(Member member, String community, List<String> answers) {
        // Within the limit: a follow refused (404) or not made (503) uses up nothing.
        return limits.within(
                Limit.FOLLOW, RateLimits.memberKey(member.id()), () -> followNow(member, community, answers));
    }

    private Subscription followNow(Member member, String community, List<String> answers) {
        var text = community == null ? "" : community.strip();
        if (text.matches("[a-z0-9_]{1,30}")) {
            var named = db.read(c -> communities.findByName(c, text))
                    .orElseThrow(() -> Refusal.notFound("there is no community " + text + " here"));
            return db.inCommunity(named.id(), c -> {
                var local = communities.findById(c, named.id()).orElseThrow();
                following.checkFollow(c, local, Participant.member(member));
                var existing =
                        follows.find(c, member.actor().id(), local.actor().id());
                boolean accepted = existing.isPresent() && existing.get().state() == FollowStore.State.ACCEPTED;
                if (!accepted && following.waitsForModerator(c, local)) {
                    var application =
                            Applications.check(Membership.privacy(c, local.id()).applicationQuestions(), answers);
                    follows.upsert(c, member.actor().id(), local.actor().id(), FollowStore.State.PENDING, null);
                    Applications.save(c, member.actor().id(), local.actor().id(), application);
                    return new Subscription(local, FollowStore.State.PENDING);
                }
                follows.upsert(c, member.actor().id(), local.actor().id(), FollowStore.State.ACCEPTED, null);
                return new Subscription(local, FollowStore.State.ACCEPTED);
            });
        }
        Actor group;
        try {
            group = remoteActors.resolve(text);
        } catch (FetchException e) {
            log.debug("could not resolve a community to follow: {}", e.getMessage());
            throw new Refusal(
                    Refusal.Kind.NOT_FOUND,
                    "community",
                    switch (e.reason()) {
                        // One answer for every way an address fails, so that members cannot map our network by asking.
                        case REFUSED_ADDRESS, UNREACHABLE, TIMEOUT ->
                            "cannot follow " + text + ": its server cannot be reached from here";
                        default -> "could not find " + text + ": " + e.getMessage();
                    });
        }
        if (group.type() != ActorType.GROUP)
            throw Refusal.invalid("community", text + " is a " + group.type().wireName() + ", not a community");
        if (group.local()) return follow(member, group.preferredUsername());
        // Stored on its own first, so its lock is the first thing the follow's transaction takes.
        var known = db.transaction(c -> communities.ensureRemote(c, group));
        var subscription = db.inCommunity(known.id(), c -> {
            var remote = communities.findById(c, known.id()).orElseThrow();
            following.checkFollow(c, remote, Participant.member(member));
            var existing = follows.find(c, member.actor().id(), group.id());
            if (existing.isPresent() && existing.get().state() == FollowStore.State.ACCEPTED) {
                return new Subscription(remote, FollowStore.State.ACCEPTED);
            }
            var followId = events.followed(c, member.actor(), group);
            follows.upsert(c, member.actor().id(), group.id(), FollowStore.State.PENDING, followId);
            return new Subscription(remote, FollowStore.State.PENDING);
        });
        // Its title, guidelines and moderators as its origin serves them now; the follow stands either way.
        try {
            remoteCommunities.refresh(group.uri());
        } catch (FetchException | RuntimeException e) {
            log.info("could not refresh {} after a follow: {}", group.uri(), e.getMessage());
        }
        var refreshed = db.read(
                        c -> communities.findById(c, subscription.community().id()))
                .orElse(subscription.community());
        return new Subscription(refreshed, subscription.state());
    }

    public void unfollow(Member member, long communityId) {
        db.inCommunity(communityId, c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            // What the delete removed decides, not an earlier read: of parallel unfollows one sends the Undo, the rest
            // 404.
            var follow = follows.remove(
                            c, member.actor().id(), community.actor().id())
                    .orElseThrow(() -> Refusal.notFound("you do not follow " + community.name()));
            following.checkEnd(follow, Participant.member(member));
            if (!community.actor().local())
                events.unfollowed(c, member.actor(), community.actor(), follow.activityUri());
            return null;
        });
    }

    /**
     * A follow of one of our communities that waits for a moderator (its instance is limited, or the
     * community is private); a local member's answers to the application questions with it.
     */
    public record FollowRequest(
            long actorId, String actor, String name, Instant since, List<Applications.Answer> answers) {}

    public List<FollowRequest> followRequests(long communityId) {
        return db.read(c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            var rows = Sql.list(
                    c,
                    """
                    select a.id, a.uri, coalesce(a.name, a.preferred_username), f.created_at from follow f
                    join actor a on a.id = f.follower_id where f.followed_id = ? and f.state = 'pending' order by f.created_at""",
                    rs -> new FollowRequest(
                            rs.getLong(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "created_at"), List.of()),
                    community.actor().id());
            var out = new ArrayList<FollowRequest>();
            for (var r : rows)
                out.add(new FollowRequest(
                        r.actorId(),
                        r.actor(),
                        r.name(),
                        r.since(),
                        Applications.answers(c, r.actorId(), community.actor().id())));
            return List.copyOf(out);
        });
    }

    /** Approves (Accept) or refuses (Reject) a waiting follow; the follower's server is told either way. */
    public void answer(long communityId, long followerActorId, boolean approve) {
        answer(communityId, followerActorId, approve, null);
    }

    /** As {@link #answer(long, long, boolean)}; a refusal's {@code reason} goes to the follower (Reject summary). */
    public void answer(long communityId, long followerActorId, boolean approve, String reason) {
        var why = checkReason(reason);
        db.inCommunity(communityId, c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            var follow = follows.find(c, followerActorId, community.actor().id())
                    .filter(f -> f.state() == FollowStore.State.PENDING)
                    .orElseThrow(
                            () -> Refusal.notFound("no follow request from actor " + followerActorId + " is waiting"));
            following.checkAnswer(follow, community.actor());
            var follower = actors.findById(c, followerActorId).orElseThrow();
            if (approve) {
                follows.accept(c, followerActorId, community.actor().id());
                Applications.forget(c, followerActorId, community.actor().id());
            } else {
                follows.delete(c, followerActorId, community.actor().id());
                Applications.refuse(c, followerActorId, community.actor().id(), why);
            }
            if (!follower.local() && follow.activityUri() != null) {
                if (approve) events.answered(c, community.actor(), follow.activityUri(), follower, true);
                else events.refused(c, community.actor(), follow.activityUri(), follower, why);
            }
            return null;
        });
    }

    static final int MAX_REASON = 1000;

    private static String checkReason(String reason) {
        var text = reason == null ? null : reason.strip();
        if (text != null && text.length() > MAX_REASON)
            throw Refusal.invalid("reason", "a reason must be at most " + MAX_REASON + " characters");
        return text == null || text.isEmpty() ? null : text;
    }

    /**
     * A moderator removes a member of a private community (issue 17): the follow ends as if refused, and
     * what the community queued for their server and not yet sent is withdrawn at once, unless another
     * member there still reads it. Their server is told by Reject{Follow}, as Mastodon removes a follower.
     */
    public void removeMember(long communityId, long followerActorId, String reason) {
        var why = checkReason(reason);
        db.inCommunity(communityId, c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            var follow = follows.remove(c, followerActorId, community.actor().id())
                    .orElseThrow(() -> Refusal.notFound("actor " + followerActorId + " is not a member"));
            Applications.refuse(c, followerActorId, community.actor().id(), why);
            Outbox.withdrawQueuedFor(c, community.actor().id(), followerActorId);
            var follower = actors.findById(c, followerActorId).orElseThrow();
            if (!follower.local() && follow.activityUri() != null)
                events.refused(c, community.actor(), follow.activityUri(), follower, why);
            return null;
        });
    }

    /** Where a member's application to a community stands: empty when there is none or it was approved. */
    public Optional<Applications.Standing> application(Member member, long communityId) {
        return db.read(c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            return Applications.standing(
                    c, member.actor().id(), community.actor().id());
        });
    }

    public List<Subscription> subscriptions(Member member) {
        return db.read(c -> {
            var rows = Sql.list(
                    c,
                    """
                    select c.id, f.state from follow f join community c on c.actor_id = f.followed_id
                    where f.follower_id = ? order by c.title""",
                    rs -> new long[] {rs.getLong(1), rs.getString(2).equals("accepted") ? 1 : 0},
                    member.actor().id());
            var out = new ArrayList<Subscription>();
            for (var r : rows) {
                out.add(new Subscription(
                        communities.findById(c, r[0]).orElseThrow(),
                        r[1] == 1 ? FollowStore.State.ACCEPTED : FollowStore.State.PENDING));
            }
            return out;
        });
    }
}
