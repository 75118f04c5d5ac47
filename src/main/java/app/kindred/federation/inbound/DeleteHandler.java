package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.care.Departures;
import app.kindred.community.Participant;
import app.kindred.remote.FetchException;
import app.kindred.storage.Sql;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Delete by the author leaves a tombstone: the content goes, the place in the thread stays. An
 * actor deleting itself (Delete{Person}) departs: see {@link #departure}. Deletes of things we never had need nothing. A Delete by
 * anyone else is a moderator's removal, which {@link ModerationHandler} checks and applies.
 */
final class DeleteHandler implements ActivityHandler {
    private final FederationContext f;

    private final ModerationHandler moderation;

    DeleteHandler(FederationContext f, ModerationHandler moderation) {
        this.f = f;
        this.moderation = moderation;
    }

    /**
     * Delete{Person}: the person deleted their account (actor and object are the same, and the
     * signature was theirs). Their content here goes, as Mastodon means it, unless the activity says
     * {@code removeData: false} (Lemmy's "keep my content"), when it stays as "[deleted member]";
     * what we cached of them and their follows end ({@link Departures}, the same rule as for our own
     * members). Our communities where they posted pass it on to their followers, who hold copies.
     */
    private Effect departure(Incoming in, Actor actor) {
        if (actor.local()) return Effect.NONE;
        boolean keepPosts = Boolean.FALSE.equals(in.activity().removeData());
        return c -> {
            var communities = Sql.list(c, """
                    select distinct p.community_id from post p join community co on co.id = p.community_id
                    join actor ca on ca.id = co.actor_id where p.author_id = ? and ca.local""", rs -> rs.getLong(1), actor.id());
            Departures.depart(c, actor.id(), keepPosts);
            for (long id : communities) {
                var community = f.communities().findById(c, id).orElseThrow();
                f.relay(c, community, in.json(), Optional.empty(), actor.uri().toString());
            }
        };
    }

    @Override
    public Effect handle(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        // Issue 17: the writer deletes what was published here for them under a pseudonym.
        if (viaGroup.isEmpty() && AnonymousHandler.requested(in)) return new AnonymousHandler(f).delete(in, actor);
        var activity = in.activity();
        var objectUri = URI.create(activity.object().uri());
        if (objectUri.equals(actor.uri())) return departure(in, actor);
        var known = f.db().read(c -> f.posts().findByUri(c, objectUri));
        if (known.isPresent() && known.get().authorId() != actor.id()) return moderation.removal(in, actor);
        var postIn = known.isPresent() ? OptionalLong.of(known.get().communityId()) : OptionalLong.empty();
        return Effect.inCommunity(postIn, c -> {
            var post = f.posts().findByUri(c, objectUri);
            // A repeat (the Delete came directly and announced) is done, not refused.
            if (post.isEmpty() || post.get().deleted()) return;
            f.posting().checkDelete(c, post.get(), Participant.remote(actor));
            f.posts().tombstone(c, post.get().id());
            var community =
                    f.communities().findById(c, post.get().communityId()).orElseThrow();
            // A held post was never announced: nobody needs to hear it is gone.
            if (community.actor().local() && !post.get().held())
                f.relay(c, community, in.json(), Optional.empty(), objectUri.toString());
        });
    }
}
