package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.Participant;
import app.kindred.thread.Post;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Undo of a Follow or a vote, by the actor who made it, embedded or named by id. The Undo of a
 * moderator's lock, ban or removal goes to {@link ModerationHandler#undo} (the handler table says so).
 */
final class UndoHandler implements ActivityHandler {
    private final FederationContext f;

    UndoHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Incoming in, Actor actor, Optional<Actor> viaGroup) {
        var activity = in.activity();
        var inner = activity.object().document() instanceof Activity a ? a : null;
        var innerId = activity.object().uri();
        var undoneIn = f.db().read(c -> undoneIn(c, innerId, inner));
        return Effect.inCommunity(undoneIn, c -> {
            var follow = f.follows().findByActivity(c, innerId);
            if (follow.isPresent() || inner != null && inner.type() == ActivityType.Follow) {
                var target = inner != null
                        ? f.actors().findByUri(c, URI.create(inner.object().uri()))
                        : Optional.<Actor>empty();
                long followedId = follow.map(x -> x.followedId())
                        .orElseGet(() -> target.map(Actor::id).orElse(-1L));
                long followerId = follow.map(x -> x.followerId()).orElse(actor.id());
                if (follow.isPresent()) f.following().checkEnd(follow.get(), Participant.remote(actor));
                f.follows().delete(c, followerId, followedId);
                return;
            }
            var vote = f.votes().findByActivity(c, innerId);
            if (vote.isEmpty()
                    && inner != null
                    && (inner.type() == ActivityType.Like || inner.type() == ActivityType.Dislike)) {
                var post = f.posts().findByUri(c, URI.create(inner.object().uri()));
                if (post.isPresent()) vote = f.votes().find(c, post.get().id(), actor.id());
            }
            if (vote.isPresent()) {
                if (vote.get().actorId() != actor.id())
                    throw new Rejected(actor.uri() + " cannot undo someone else's vote");
                var post = f.posts().findById(c, vote.get().postId()).orElseThrow();
                var community = f.communities().findById(c, post.communityId()).orElseThrow();
                f.posting().checkVote(c, community, post, Participant.remote(actor), 0);
                f.votes().remove(c, vote.get().postId(), actor.id());
                if (community.actor().local())
                    f.relay(
                            c,
                            community,
                            in.json(),
                            Optional.empty(),
                            post.uri().toString());
            }
            // Anything else (an unknown or already undone activity) needs nothing from us.
        });
    }

    /** The community whose follow or vote this takes back, found as the change below finds it, to lock it first. */
    private OptionalLong undoneIn(Connection c, String innerId, Activity inner) throws SQLException {
        var follow = f.follows().findByActivity(c, innerId);
        Optional<Community> community;
        if (follow.isPresent()) {
            var followed = f.actors().findById(c, follow.get().followedId());
            community = followed.isPresent() ? f.communities().byActor(c, followed.get()) : Optional.empty();
        } else if (inner != null && inner.type() == ActivityType.Follow) {
            community = f.communityOf(c, URI.create(inner.object().uri()));
        } else {
            var vote = f.votes().findByActivity(c, innerId);
            var post = vote.isPresent()
                    ? f.posts().findById(c, vote.get().postId())
                    : inner != null && (inner.type() == ActivityType.Like || inner.type() == ActivityType.Dislike)
                            ? f.posts().findByUri(c, URI.create(inner.object().uri()))
                            : Optional.<Post>empty();
            return post.isPresent() ? OptionalLong.of(post.get().communityId()) : OptionalLong.empty();
        }
        return community.isPresent() ? OptionalLong.of(community.get().id()) : OptionalLong.empty();
    }
}
