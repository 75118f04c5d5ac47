package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.actor.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;

/** Undo of a Follow or a vote, by the actor who made it, or of a moderator's lock, ban or removal. */
final class UndoHandler implements ActivityHandler {
    private final FederationContext f;

    private final ModerationHandler moderation;

    UndoHandler(FederationContext f, ModerationHandler moderation) {
        this.f = f;
        this.moderation = moderation;
    }

    @Override
    public Effect handle(Activity activity, JsonNode json, Actor actor, Optional<Actor> viaGroup)
            throws app.kindred.remote.FetchException, Rejected {
        var inner = activity.object().document() instanceof Activity a ? a : null;
        if (inner != null && (inner.type() == ActivityType.Lock || inner.type() == ActivityType.Block
                || inner.type() == ActivityType.Delete)) {
            // An author's own undelete is not supported (a delete is final here); a moderator's restore is.
            if (inner.type() == ActivityType.Delete && f.db().read(c -> f.posts().findByUri(c, URI.create(inner.object().uri())))
                    .map(p -> p.authorId() == actor.id()).orElse(true)) {
                return Effect.NONE;
            }
            // A moderator taking back a lock, ban or removal; the relayed form is this Undo as received.
            return moderation.undo(inner, json, actor);
        }
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
