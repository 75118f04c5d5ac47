package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.community.Participant;
import app.kindred.remote.FetchException;
import app.kindred.storage.Sql;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Delete by the author leaves a tombstone: the content goes, the place in the thread stays. An
 * actor deleting itself is marked gone. Deletes of things we never had need nothing. A Delete by
 * anyone else is a moderator's removal, which {@link ModerationHandler} checks and applies.
 */
final class DeleteHandler implements ActivityHandler {
    private final FederationContext f;

    private final ModerationHandler moderation;

    DeleteHandler(FederationContext f, ModerationHandler moderation) {
        this.f = f;
        this.moderation = moderation;
    }

    @Override
    public Effect handle(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        var activity = in.activity();
        var objectUri = URI.create(activity.object().uri());
        var known = f.db().read(c -> f.posts().findByUri(c, objectUri));
        if (known.isPresent() && known.get().authorId() != actor.id()) return moderation.removal(in, actor);
        var postIn = known.isPresent() ? OptionalLong.of(known.get().communityId()) : OptionalLong.empty();
        return Effect.inCommunity(postIn, c -> {
            if (objectUri.equals(actor.uri())) {
                Sql.update(c, "update actor set gone_at = now() where id = ? and not local", actor.id());
                return;
            }
            var post = f.posts().findByUri(c, objectUri);
            // A repeat (the Delete came directly and announced) is done, not refused.
            if (post.isEmpty() || post.get().deleted()) return;
            f.posting().checkDelete(post.get(), Participant.remote(actor));
            f.posts().tombstone(c, post.get().id());
            var community =
                    f.communities().findById(c, post.get().communityId()).orElseThrow();
            // A held post was never announced: nobody needs to hear it is gone.
            if (community.actor().local() && !post.get().held())
                f.relay(c, community, in.json(), Optional.empty(), objectUri.toString());
        });
    }
}
