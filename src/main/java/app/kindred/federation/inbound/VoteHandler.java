package app.kindred.federation.inbound;

import app.kindred.activitypub.ActivityType;
import app.kindred.actor.Actor;
import app.kindred.community.Participant;
import java.net.URI;
import java.util.Optional;

/** Like (a Mastodon favourite too) is an upvote, Dislike a downvote; a vote on something unknown is ignored. */
final class VoteHandler implements ActivityHandler {
    private final FederationContext f;

    VoteHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Incoming in, Actor voter, Optional<Actor> viaGroup) {
        var activity = in.activity();
        var objectUri = URI.create(activity.object().uri());
        int value = activity.type() == ActivityType.Dislike ? -1 : 1;
        var known = f.db().read(c -> f.posts().findByUri(c, objectUri));
        if (known.isEmpty()) return Effect.NONE; // a vote on something we never had
        return Effect.inCommunity(known.get().communityId(), c -> {
            var post = f.posts().findByUri(c, objectUri);
            if (post.isEmpty()) return;
            var community =
                    f.communities().findById(c, post.get().communityId()).orElseThrow();
            f.posting().checkVote(c, community, post.get(), Participant.remote(voter), value);
            var previous = f.votes().find(c, post.get().id(), voter.id());
            f.votes().put(c, post.get().id(), voter.id(), value, activity.id());
            boolean changed = previous.map(v -> v.value() != value).orElse(true);
            if (changed && community.actor().local())
                f.relay(c, community, in.json(), Optional.empty(), objectUri.toString());
        });
    }
}
