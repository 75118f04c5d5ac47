package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.community.Participant;
import app.kindred.follow.FollowStore;
import app.kindred.refusal.Refusal;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Follow of one of our communities or members: recorded and accepted at once (public communities). */
final class FollowHandler implements ActivityHandler {
    private final FederationContext f;

    FollowHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Incoming in, Actor follower, Optional<Actor> viaGroup) throws Rejected {
        var activity = in.activity();
        var targetUri = URI.create(activity.object().uri());
        // Following a community changes who it sends to: its lock first, as for a ban.
        var followed = f.db().read(c -> f.communityOf(c, targetUri));
        return Effect.inCommunity(followed, c -> {
            var target = f.actors()
                    .findByUri(c, targetUri)
                    .filter(Actor::local)
                    .orElseThrow(() -> new Rejected("follow of " + targetUri + ", which is not ours"));
            if (target.type() == ActorType.APPLICATION) {
                var reject = f.outgoing().reject(target, activity.id(), follower);
                f.outbox().enqueue(c, target, reject.id(), reject.objectId(), reject.json(), List.of(follower));
                return;
            }
            var community = f.communities().byActor(c, target);
            if (community.isPresent()) {
                try {
                    f.following().checkFollow(c, community.get(), Participant.remote(follower));
                } catch (Refusal shutOut) {
                    var reject = f.outgoing().reject(target, activity.id(), follower);
                    // Returned, not thrown: a refusal rolls the transaction back, and the Reject with it.
                    f.outbox().enqueue(c, target, reject.id(), reject.objectId(), reject.json(), List.of(follower));
                    return;
                }
            }
            // A private community's follows wait for a moderator, who answers Accept or Reject (issue 17).
            if (community.isPresent() && f.following().waitsForModerator(c, community.get())) {
                f.follows().upsert(c, follower.id(), target.id(), FollowStore.State.PENDING, activity.id());
                return;
            }
            if (f.policy().decide(follower.uri()).limited()) {
                // A limited instance's follows wait for a moderator's approval.
                f.follows().upsert(c, follower.id(), target.id(), FollowStore.State.PENDING, activity.id());
                return;
            }
            f.follows().upsert(c, follower.id(), target.id(), FollowStore.State.ACCEPTED, activity.id());
            var accept = f.outgoing().accept(target, activity.id(), follower);
            f.outbox().enqueue(c, target, accept.id(), accept.objectId(), accept.json(), List.of(follower));
        });
    }
}
