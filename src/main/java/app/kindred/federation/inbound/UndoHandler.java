package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.actor.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;

/** Undo of a Follow or a vote, by the actor who made it. Other undos are not ours to apply. */
final class UndoHandler implements ActivityHandler {
    private final FederationContext f;

    UndoHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Activity activity, JsonNode json, Actor actor, Optional<Actor> viaGroup) throws Rejected {
        var inner = activity.object().document() instanceof Activity a ? a : null;
        var innerId = activity.object().uri();
        return c -> {
            var follow = f.follows().findByActivity(c, innerId);
            if (follow.isPresent() || inner != null && inner.type() == ActivityType.Follow) {
                var target = inner != null ? f.actors().findByUri(c, URI.create(inner.object().uri())) : Optional.<Actor>empty();
                long followedId = follow.map(x -> x.followedId()).orElseGet(() -> target.map(Actor::id).orElse(-1L));
                long followerId = follow.map(x -> x.followerId()).orElse(actor.id());
                if (followerId != actor.id()) throw new Rejected(actor.uri() + " cannot undo someone else's follow");
                f.follows().delete(c, followerId, followedId);
                return;
            }
            var vote = f.votes().findByActivity(c, innerId);
            if (vote.isEmpty() && inner != null && (inner.type() == ActivityType.Like || inner.type() == ActivityType.Dislike)) {
                var post = f.posts().findByUri(c, URI.create(inner.object().uri()));
                if (post.isPresent()) vote = f.votes().find(c, post.get().id(), actor.id());
            }
            if (vote.isPresent()) {
                if (vote.get().actorId() != actor.id()) throw new Rejected(actor.uri() + " cannot undo someone else's vote");
                f.votes().remove(c, vote.get().postId(), actor.id());
                var post = f.posts().findById(c, vote.get().postId()).orElseThrow();
                var community = f.communities().findById(c, post.communityId()).orElseThrow();
                if (community.actor().local()) f.relay(c, community, json, Optional.empty(), post.uri().toString());
            }
            // Anything else (an unknown or already undone activity) needs nothing from us.
        };
    }
}
