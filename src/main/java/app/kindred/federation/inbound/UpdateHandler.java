package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ContentObject;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.federation.PostDocuments;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;

/**
 * Update of a post or comment, accepted only from its author; an Update of a post we never saw is
 * taken as its Create. An actor updating itself refreshes what we store of it. An Update of one of
 * our communities is a moderator's edit, which {@link ModerationHandler} checks and applies.
 */
final class UpdateHandler implements ActivityHandler {
    private final FederationContext f;
    private final CreateHandler create;
    private final ModerationHandler moderation;

    UpdateHandler(FederationContext f, CreateHandler create, ModerationHandler moderation) {
        this.f = f;
        this.create = create;
        this.moderation = moderation;
    }

    @Override
    public Effect handle(Activity activity, JsonNode json, Actor actor, Optional<Actor> viaGroup)
            throws FetchException, Rejected {
        var objectUri = URI.create(activity.object().uri());
        if (objectUri.equals(actor.uri()) && ActorType.fromWire(json.path("object").path("type").asText()).isPresent()) {
            // Signed by the actor itself, about itself.
            f.remoteActors().store(actor.uri(), json.path("object"));
            return Effect.NONE;
        }
        if (activity.object().document() instanceof app.kindred.activitypub.Actor group
                && group.type() == app.kindred.activitypub.ActorType.Group) {
            // A moderator editing one of our communities, as Lemmy does.
            var ours = f.db().read(c -> f.communityOf(c, objectUri)).filter(k -> k.actor().local());
            if (ours.isPresent()) return moderation.communityEdited(json, actor, ours.get(), group);
        }
        if (!(activity.object().document() instanceof ContentObject object)) {
            throw new Rejected("an Update needs the updated object embedded");
        }
        if (!RemoteFetcher.sameOrigin(objectUri, actor.uri())) throw new Rejected(actor.uri() + " cannot update " + objectUri);
        var existing = f.db().read(c -> f.posts().findByUri(c, objectUri));
        if (existing.isEmpty()) return create.handle(activity, json, actor, viaGroup);
        return c -> {
            var post = f.posts().findByUri(c, objectUri).orElseThrow();
            if (post.authorId() != actor.id()) throw new Rejected(actor.uri() + " is not the author of " + objectUri);
            var community = f.communities().findById(c, post.communityId()).orElseThrow();
            // A ban stops someone rewriting what they left there, as it stops new posts.
            if (community.actor().local() && f.communities().isBanned(c, community.id(), actor.id())) {
                throw new Rejected(actor.uri() + " is banned from " + community.actor().uri());
            }
            var read = PostDocuments.read(object, post.isThread());
            f.posts().update(c, post.id(), read.title(), read.contentHtml(), null, read.summary(), read.sensitive(),
                    object.updated() == null ? java.time.Instant.now() : object.updated());
            if (community.actor().local()) f.relay(c, community, json, Optional.empty(), post.uri().toString());
        };
    }
}
