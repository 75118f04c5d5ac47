package app.kindred.federation.inbound;

import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.LocalIds;
import app.kindred.care.Admission;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.delivery.Outbox;
import app.kindred.federation.LocalDocuments;
import app.kindred.federation.OutgoingActivities;
import app.kindred.federation.PostDocuments;
import app.kindred.federation.Publisher;
import app.kindred.federation.Relay;
import app.kindred.federation.RemoteActors;
import app.kindred.follow.FollowStore;
import app.kindred.follow.Following;
import app.kindred.moderation.Moderating;
import app.kindred.outreach.CheckInIntake;
import app.kindred.outreach.OutreachStore;
import app.kindred.policy.FederationPolicy;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Database;
import app.kindred.thread.PostStore;
import app.kindred.thread.Posting;
import app.kindred.thread.ThreadEvents;
import app.kindred.thread.VoteStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** What the inbound handlers share: the stores, the outbox, and the ways to find remote things. */
public record FederationContext(
        Database db,
        ActorStore actors,
        CommunityStore communities,
        FollowStore follows,
        PostStore posts,
        VoteStore votes,
        RemoteActors remoteActors,
        RemoteFetcher fetcher,
        Outbox outbox,
        OutgoingActivities outgoing,
        FederationPolicy policy) {

    static final ActivityPubReader READER = new ActivityPubReader();

    /** The rules for taking part (post, reply, vote, edit, delete), the same ones the API's ThreadService asks. */
    public Posting posting() {
        return new Posting(communities, posts);
    }

    /**
     * What a change in the thread feature sends (issue 17: a remote member's anonymous post is
     * published by its community as our own members' are), the same Publisher the API's ThreadService tells.
     */
    public ThreadEvents threadEvents(LocalIds ids) {
        return new Publisher(
                new Relay(outgoing, outbox),
                actors,
                posts,
                outbox,
                outgoing,
                new LocalDocuments(db, actors, communities, follows, posts, ids));
    }

    /** The content-warning policy and pre-moderation, the same rule the API's ThreadService asks. */
    public Admission admission() {
        return new Admission(communities);
    }

    /** The rule for a private message: taken only as part of a wellbeing check-in. */
    public CheckInIntake checkIns() {
        return new CheckInIntake(new OutreachStore(), actors, communities);
    }

    /** What moderators may do and what it changes, the same ones the API's ModerationService asks. */
    public Moderating moderating() {
        return new Moderating(communities, posts);
    }

    /** The rules for following, the same ones the API's FollowService asks. */
    public Following following() {
        return new Following(communities);
    }

    /** The community whose actor this is, local or remote (remote ones only once a member follows them). */
    public Optional<Community> communityOf(Connection c, URI actorUri) throws SQLException {
        return communities.byActorUri(c, actorUri);
    }

    /** A post or comment as its origin serves it, read and raw. */
    public record FetchedPost(ContentObject object, JsonNode json) {}

    /** Fetches an object from its own origin and reads it as a thread or comment. */
    public ContentObject fetchObject(URI uri) throws FetchException, Rejected {
        return fetchPost(uri).object();
    }

    public FetchedPost fetchPost(URI uri) throws FetchException, Rejected {
        JsonNode node = fetcher.getActivityJson(uri);
        return switch (READER.read(node)) {
            case ReadResult.Supported s when s.document() instanceof ContentObject o -> new FetchedPost(o, node);
            case ReadResult.Supported s ->
                throw new Rejected(uri + " is a " + s.document().typeName() + ", not a post or comment");
            case ReadResult.Unsupported u -> throw new Rejected(uri + " is an unsupported " + u.type());
            case ReadResult.Malformed m -> throw new Rejected(uri + " is malformed: " + m.reason());
        };
    }

    /**
     * A local community passes an accepted activity on to its followers (FEP-1b12); see {@link Relay}.
     */
    public void relay(
            Connection c, Community community, JsonNode received, Optional<JsonNode> createdObject, String objectId)
            throws SQLException {
        new Relay(outgoing, outbox).relay(c, community, received, createdObject, objectId);
    }

    /** As {@link #relay}, also to someone who no longer follows: a banned member's follow ends with the ban. */
    public void relay(
            Connection c,
            Community community,
            JsonNode received,
            Optional<JsonNode> createdObject,
            String objectId,
            List<Actor> alsoTo)
            throws SQLException {
        new Relay(outgoing, outbox).relay(c, community, received, createdObject, objectId, alsoTo);
    }

    /** A relay's announces built before the caller's turn in its community (see {@link Relay#prepare}). */
    public Relay.Prepared prepareRelay(
            Community community, JsonNode received, Optional<JsonNode> createdObject, String objectId) {
        return new Relay(outgoing, outbox).prepare(community, received, createdObject, objectId);
    }

    /** As {@link #prepareRelay}, with a post's content already cleaned by the caller, which is not cleaned again. */
    public Relay.Prepared prepareRelay(
            Community community,
            JsonNode received,
            Optional<JsonNode> createdObject,
            String objectId,
            PostDocuments.Cleaned content) {
        return new Relay(outgoing, outbox).prepare(community, received, createdObject, objectId, Optional.of(content));
    }

    /** Queues announces prepared by {@link #prepareRelay} to the community's followers. */
    public void relay(Connection c, Community community, Relay.Prepared prepared) throws SQLException {
        new Relay(outgoing, outbox).send(c, community, prepared, List.of());
    }

    public Actor actorById(Connection c, long id) throws SQLException {
        return actors.findById(c, id).orElseThrow();
    }
}
