package app.kindred.federation;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubJson;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.JsonLd;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.community.Community;
import app.kindred.delivery.Outbox;
import app.kindred.follow.FollowEvents;
import app.kindred.moderation.ModerationEvents;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What our members do, told to the fediverse. Called inside the feature's own transaction: in a
 * local community the group passes the member's activity on to its followers; in a remote one the
 * activity goes to the community's inbox, and the community announces it.
 */
public final class Publisher implements ThreadEvents, ModerationEvents, FollowEvents {
    private static final ObjectMapper JSON = ActivityPubJson.newMapper();
    private final Relay relay;
    private final ActorStore actors;
    private final PostStore posts;
    private final Outbox outbox;
    private final OutgoingActivities outgoing;

    private final LocalDocuments documents;

    public Publisher(
            Relay relay,
            ActorStore actors,
            PostStore posts,
            Outbox outbox,
            OutgoingActivities outgoing,
            LocalDocuments documents) {
        this.relay = relay;
        this.documents = documents;
        this.actors = actors;
        this.posts = posts;
        this.outbox = outbox;
        this.outgoing = outgoing;
    }

    @Override
    public void created(Connection c, Actor author, Post post, Community community) throws SQLException {
        var object = document(c, post, community);
        var create = outgoing.about(
                ActivityType.Create, author, object, community.actor().uri().toString(), List.of());
        send(c, author, community, create, Optional.of(JSON.valueToTree(object)));
    }

    /**
     * A moderator let a held post through: it goes out as if it had just arrived. Our member's post
     * as its Create; a remote one as the community relays what its server sent (both announce
     * forms). A warning the community added travels on the object as {@code communityWarning},
     * which Kindred shows and other software ignores.
     *
     * @param heldActivity what a remote server sent (null for our own member's post)
     * @param heldObject   the object as that server sent it, or as last edited
     */
    @Override
    public void approved(
            Connection c, Post post, Community community, String heldActivity, String heldObject, String warning)
            throws SQLException {
        if (!community.actor().local()) return;
        if (post.local()) {
            var author = actors.findById(c, post.authorId()).orElseThrow();
            var object = document(c, post, community);
            var create = outgoing.about(
                    ActivityType.Create, author, object, community.actor().uri().toString(), List.of());
            var createJson = (com.fasterxml.jackson.databind.node.ObjectNode) parse(create.json());
            var objectJson = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(object);
            if (warning != null) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) createJson.get("object"))
                        .put(COMMUNITY_WARNING, warning);
                objectJson.put(COMMUNITY_WARNING, warning);
            }
            outbox.enqueue(
                    c,
                    author,
                    create.id(),
                    create.objectId(),
                    membersOnly(c, community, create.objectId(), createJson.toString()),
                    List.of());
            relay.relay(c, community, createJson, Optional.of(objectJson), create.objectId());
            return;
        }
        var object = heldObject == null ? null : (com.fasterxml.jackson.databind.node.ObjectNode) parse(heldObject);
        if (object != null && warning != null) object.put(COMMUNITY_WARNING, warning);
        if (heldActivity == null) {
            // Held by an edit: only the post itself is announced, as Mastodon and Misskey read it.
            if (object != null)
                relay.relay(c, community, object, Optional.empty(), post.uri().toString());
            return;
        }
        var activity = (com.fasterxml.jackson.databind.node.ObjectNode) parse(heldActivity);
        if (object != null && activity.path("object").isObject()) activity.set("object", object);
        relay.relay(
                c, community, activity, Optional.ofNullable(object), post.uri().toString());
    }

    /** Kindred's extension (issue 17): on a Create, Update or Delete sent privately to a community, "publish this under a pseudonym". */
    public static final String ANONYMOUS = "anonymous";

    @Override
    public void sentAnonymously(Connection c, Actor author, Post post, Community community, AnonymousChange change)
            throws SQLException {
        var groupUri = community.actor().uri().toString();
        var outgoing = switch (change) {
            case CREATED ->
                this.outgoing.about(ActivityType.Create, author, document(c, post, community), groupUri, List.of());
            case EDITED ->
                this.outgoing.about(ActivityType.Update, author, document(c, post, community), groupUri, List.of());
            case DELETED ->
                this.outgoing.about(ActivityType.Delete, author, PostDocuments.tombstone(post), groupUri, List.of());
        };
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) parse(outgoing.json());
        // To the community alone: never Public, never the writer's followers.
        privately(json, groupUri);
        if (json.path("object").isObject())
            privately((com.fasterxml.jackson.databind.node.ObjectNode) json.get("object"), groupUri);
        outbox.enqueue(c, author, outgoing.id(), outgoing.objectId(), json.toString(), List.of(community.actor()));
    }

    private static void privately(com.fasterxml.jackson.databind.node.ObjectNode node, String group) {
        node.putArray("to").add(group);
        node.putArray("cc");
        node.put(ANONYMOUS, true);
    }

    /** Kindred's extension on an announced post: a warning the community added when a moderator approved it. */
    public static final String COMMUNITY_WARNING = "communityWarning";

    @Override
    public void edited(Connection c, Actor author, Post post, Community community) throws SQLException {
        var update = outgoing.about(
                ActivityType.Update,
                author,
                document(c, post, community),
                community.actor().uri().toString(),
                List.of());
        send(c, author, community, update, Optional.empty());
    }

    @Override
    public void deleted(Connection c, Actor author, Post post, Community community) throws SQLException {
        var delete = outgoing.about(
                ActivityType.Delete,
                author,
                PostDocuments.tombstone(post),
                community.actor().uri().toString(),
                List.of());
        send(c, author, community, delete, Optional.empty());
    }

    @Override
    public void voted(Connection c, Actor voter, Post post, Community community, int value) throws SQLException {
        var vote = outgoing.vote(
                voter, post.uri().toString(), value, community.actor().uri().toString());
        send(c, voter, community, vote, Optional.empty());
    }

    @Override
    public void unvoted(Connection c, Actor voter, Post post, Community community, int previousValue)
            throws SQLException {
        var vote = outgoing.vote(
                voter,
                post.uri().toString(),
                previousValue,
                community.actor().uri().toString());
        var undo = outgoing.undo(
                voter, vote.activity(), List.of(community.actor().uri().toString(), JsonLd.PUBLIC), List.of());
        send(c, voter, community, undo, Optional.empty());
    }

    /**
     * A moderator removed (or, undo, restored) a post: Delete with the reason as summary, or Undo of it.
     * Also sent to the author's server, which a ban may already have taken off the followers.
     */
    @Override
    public void removed(Connection c, Actor moderator, Post post, Community community, String reason, boolean undo)
            throws SQLException {
        // Its author's server hears of it too, following or not (a ban may have ended their follow first).
        moderation(
                c,
                moderator,
                community,
                ActivityType.Delete,
                post.uri().toString(),
                null,
                reason,
                null,
                null,
                undo,
                List.of(actors.findById(c, post.authorId()).orElseThrow()));
    }

    @Override
    public void locked(Connection c, Actor moderator, Post post, Community community, String reason, boolean undo)
            throws SQLException {
        moderation(
                c,
                moderator,
                community,
                ActivityType.Lock,
                post.uri().toString(),
                null,
                reason,
                null,
                null,
                undo,
                List.of());
    }

    /**
     * A moderator pinned (or unpinned) a thread: Add (or Remove, not Undo) with target = the
     * community's featured collection, Lemmy's form, which Mastodon uses for a profile's pins too.
     */
    @Override
    public void pinned(Connection c, Actor moderator, Post post, Community community, String reason, boolean pinned)
            throws SQLException {
        moderation(
                c,
                moderator,
                community,
                pinned ? ActivityType.Add : ActivityType.Remove,
                post.uri().toString(),
                actors.featured(c, community.actor()).toString(),
                reason,
                null,
                null,
                false,
                List.of());
    }

    /** Block with target = the community: a ban from it (Lemmy's form), with optional expiry and removal of content. */
    @Override
    public void banned(
            Connection c,
            Actor moderator,
            Actor banned,
            Community community,
            String reason,
            Instant expires,
            boolean removeData,
            boolean undo)
            throws SQLException {
        moderation(
                c,
                moderator,
                community,
                ActivityType.Block,
                banned.uri().toString(),
                community.actor().uri().toString(),
                reason,
                expires,
                removeData,
                undo,
                List.of(banned));
    }

    /** Add or Remove with target = the moderators collection. */
    @Override
    public void moderatorChanged(Connection c, Actor by, Actor moderator, Community community, boolean added)
            throws SQLException {
        moderation(
                c,
                by,
                community,
                added ? ActivityType.Add : ActivityType.Remove,
                moderator.uri().toString(),
                community.actor().uri() + "/moderators",
                null,
                null,
                null,
                false,
                List.of());
    }

    /** Our community changed how it looks: the group sends Update{Group} with its new self to its followers. */
    @Override
    public void communityUpdated(Connection c, Community community) throws SQLException {
        var group = community.actor();
        var update = outgoing.updateGroup(group, documents.community(c, group));
        outbox.enqueueToFollowers(c, group, List.of(update.queued()), group, List.of());
    }

    /**
     * A member's profile changed (avatar): Update{Person} goes to every server that shows them, the
     * remote communities they follow or posted in and the remote followers of our communities they
     * follow or posted in, and the member's own followers. Shared inboxes are used and deduplicated by the
     * outbox. A suspension and its lifting travel the same way (issue 15), as Mastodon sends them.
     */
    public void profileChanged(Connection c, Actor person) throws SQLException {
        var update = outgoing.updatePerson(person, documents.member(c, person));
        var recipients = Sql.list(
                c, """
                with places as (
                    select cm.actor_id from post p join community cm on cm.id = p.community_id where p.author_id = ?
                    union select f.followed_id from follow f where f.follower_id = ?)
                select %s from actor a where not a.local and (a.id in (select actor_id from places)
                    or a.id in (select f.follower_id from follow f
                                where f.state = 'accepted' and f.followed_id in (select actor_id from places))
                    or a.id in (select f.follower_id from follow f where f.state = 'accepted' and f.followed_id = ?))""".formatted(ActorStore.columns("a")), ActorStore::map, person.id(), person.id(), person.id());
        outbox.enqueue(c, person, update.id(), update.objectId(), update.json(), recipients);
    }

    private void moderation(
            Connection c,
            Actor moderator,
            Community community,
            ActivityType type,
            String object,
            String target,
            String reason,
            Instant endTime,
            Boolean removeData,
            boolean undo,
            List<Actor> alsoTo)
            throws SQLException {
        var groupUri = community.actor().uri().toString();
        var action = outgoing.moderation(
                type,
                moderator,
                object,
                target,
                groupUri,
                reason,
                endTime,
                type == ActivityType.Block ? removeData : null);
        var sent =
                undo ? outgoing.undo(moderator, action.activity(), List.of(JsonLd.PUBLIC), List.of(groupUri)) : action;
        if (community.actor().local()) {
            var json = membersOnly(c, community, sent.objectId(), sent.json());
            outbox.enqueue(c, moderator, sent.id(), sent.objectId(), json, List.of());
            relay.relay(c, community, parse(json), Optional.empty(), sent.objectId(), alsoTo);
        } else {
            send(c, moderator, community, sent, Optional.empty());
        }
    }

    /** A moderator's answer to a follow that waited for approval (a limited instance's): Accept or Reject. */
    @Override
    public void answered(Connection c, Actor group, String followId, Actor follower, boolean accept)
            throws SQLException {
        var answer = accept ? outgoing.accept(group, followId, follower) : outgoing.reject(group, followId, follower);
        outbox.enqueue(c, group, answer.id(), answer.objectId(), answer.json(), List.of(follower));
    }

    /** A refusal (or a private community's removal of a member) with the moderator's reason: Reject with summary. */
    @Override
    public void refused(Connection c, Actor group, String followId, Actor follower, String reason) throws SQLException {
        var answer = outgoing.reject(group, followId, follower, reason);
        outbox.enqueue(c, group, answer.id(), answer.objectId(), answer.json(), List.of(follower));
    }

    /** A Follow of a remote community; returns the Follow's id, which its Accept will name. */
    @Override
    public String followed(Connection c, Actor member, Actor group) throws SQLException {
        var follow = outgoing.follow(member, group);
        outbox.enqueue(c, member, follow.id(), follow.objectId(), follow.json(), List.of(group));
        return follow.id();
    }

    @Override
    public void unfollowed(Connection c, Actor member, Actor group, String followId) throws SQLException {
        var follow = outgoing.follow(member, group).activity();
        var original = new Activity(
                followId == null ? follow.id() : followId,
                follow.type(),
                follow.actor(),
                follow.objects(),
                null,
                follow.to(),
                follow.cc(),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        var undo = outgoing.undo(member, original, List.of(group.uri().toString()), List.of());
        outbox.enqueue(c, member, undo.id(), undo.objectId(), undo.json(), List.of(group));
    }

    private void send(
            Connection c,
            Actor actor,
            Community community,
            OutgoingActivities.Outgoing activity,
            Optional<JsonNode> createdObject)
            throws SQLException {
        var json = membersOnly(c, community, activity.objectId(), activity.json());
        if (community.actor().local()) {
            // Stored so its id dereferences; the group relays it to remote followers.
            outbox.enqueue(c, actor, activity.id(), activity.objectId(), json, List.of());
            relay.relay(c, community, parse(json), createdObject, activity.objectId());
        } else {
            outbox.enqueue(c, actor, activity.id(), activity.objectId(), json, List.of(community.actor()));
        }
    }

    /** What our member sends in or to a private community goes to its followers, never Public (issue 17). */
    private static String membersOnly(Connection c, Community community, String objectId, String json)
            throws SQLException {
        return MembersOnlyAddressing.applies(c, community, objectId)
                ? MembersOnlyAddressing.address(json, MembersOnlyAddressing.followers(community))
                : json;
    }

    private ContentObject document(Connection c, Post post, Community community) throws SQLException {
        var author = actors.findById(c, post.authorId()).orElseThrow();
        var parent = post.parentId() == null
                ? null
                : posts.findById(c, post.parentId()).orElseThrow().uri();
        return PostDocuments.write(post, author.uri(), community.actor().uri(), parent);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("our own activity JSON did not parse", e);
        }
    }
}
