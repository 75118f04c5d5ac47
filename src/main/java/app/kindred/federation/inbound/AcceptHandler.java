package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import java.util.Optional;

/** Accept (or Reject) of a Follow one of our members sent: only the followed actor may answer it. */
final class AcceptHandler implements ActivityHandler {
    private final FederationContext f;
    private final boolean accept;

    AcceptHandler(FederationContext f, boolean accept) {
        this.f = f;
        this.accept = accept;
    }

    @Override
    public Effect handle(Incoming in, Actor answering, Optional<Actor> viaGroup) {
        var activity = in.activity();
        var followId = activity.object().uri();
        // The answering community's lock, as for its Block (a ban) that may come at the same time.
        var community = f.db().read(c -> f.communities().byActor(c, answering));
        return Effect.inCommunity(community, c -> {
            var follow = f.follows()
                    .findByActivity(c, followId)
                    .orElseThrow(() -> new Rejected("answer to an unknown follow " + followId));
            f.following().checkAnswer(follow, answering);
            if (accept) f.follows().accept(c, follow.followerId(), follow.followedId());
            else f.follows().delete(c, follow.followerId(), follow.followedId());
        });
    }
}
