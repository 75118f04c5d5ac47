package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ContentObject;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.federation.RemoteCommunities;
import app.kindred.moderation.ModerationLog;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;

/**
 * Update of a post or comment, accepted only from its author; an Update of a post we never saw is
 * taken as its Create. An Update that makes a post no longer public takes it down here and is
 * refused ({@link PublicAddressing}). An actor updating itself refreshes what we store of it. Update{Group} edits a
 * community: taken from the group itself, its origin or one of its moderators, refused from anyone
 * else (FEP-1b12); for one of ours, {@link ModerationHandler} checks and applies the edit.
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
        if (ActorType.fromWire(json.path("object").path("type").asText()).filter(t -> t == ActorType.GROUP).isPresent()) {
            return group(json, actor, objectUri, json.path("object"), activity);
        }
        if (objectUri.equals(actor.uri()) && ActorType.fromWire(json.path("object").path("type").asText()).isPresent()) {
            // Signed by the actor itself, about itself.
            f.remoteActors().store(actor.uri(), json.path("object"));
            return Effect.NONE;
        }
        if (!(activity.object().document() instanceof ContentObject object)) {
            throw new Rejected("an Update needs the updated object embedded");
        }
        if (!RemoteFetcher.sameOrigin(objectUri, actor.uri())) throw new Rejected(actor.uri() + " cannot update " + objectUri);
        var existing = f.db().read(c -> f.posts().findByUri(c, objectUri));
        if (existing.isEmpty()) return create.handle(activity, json, actor, viaGroup);
        boolean stillPublic = PublicAddressing.isPublic(object, activity);
        return Effect.inCommunity(existing.get().communityId(), c -> {
            var post = f.posts().findByUri(c, objectUri).orElseThrow();
            if (post.authorId() != actor.id()) throw new Rejected(actor.uri() + " is not the author of " + objectUri);
            if (!stillPublic) {
                // Never stored as a post, its new words are not kept; what was public is taken down, not left up.
                long id = post.id();
                throw new Rejected(PublicAddressing.NARROWED, t -> f.posts().tombstone(t, id));
            }
            var community = f.communities().findById(c, post.communityId()).orElseThrow();
            // A ban stops someone rewriting what they left there, as it stops new posts.
            if (community.actor().local() && f.communities().isBanned(c, community.id(), actor.id())) {
                throw new Rejected(actor.uri() + " is banned from " + community.actor().uri());
            }
            var read = IncomingPost.read(object, post.isThread());
            f.posts().update(c, post.id(), read.title(), read.contentHtml(), null, read.summary(), read.sensitive(),
                    IncomingPost.notAfterReceipt(object.updated(), java.time.Instant.now()));
            if (community.actor().local()) f.relay(c, community, json, Optional.empty(), post.uri().toString());
        });
    }

    /**
     * Update{Group}: a remote community's new title, description and guidelines, from the group
     * itself (signed by it), its origin or one of its moderators. For one of ours it is a remote
     * moderator's edit (Lemmy's form), which {@link ModerationHandler#communityEdited} checks and applies.
     */
    private Effect group(JsonNode json, Actor actor, URI groupUri, JsonNode document, Activity activity)
            throws FetchException, Rejected {
        var profile = RemoteCommunities.profile(document)
                .orElseThrow(() -> new Rejected("the Group in this Update cannot be read"));
        var found = f.db().read(c -> f.communityOf(c, groupUri));
        if (found.isPresent() && found.get().actor().local()
                && activity.object().document() instanceof app.kindred.activitypub.Actor group) {
            return moderation.communityEdited(json, actor, found.get(), group, profile.rules());
        }
        boolean self = groupUri.equals(actor.uri());
        // Only the group's own signature vouches for its keys and inboxes; a moderator's copy is read for its profile alone.
        if (self) f.remoteActors().store(actor.uri(), document);
        if (found.isEmpty()) {
            if (self) return Effect.NONE;
            throw new Rejected("Update of " + groupUri + ", a community we do not know");
        }
        var community = found.get();
        var remoteModerators = self ? java.util.Set.<String>of() : moderation.remoteModerators(community, actor);
        return Effect.inCommunity(community.id(), c -> {
            if (!self) moderation.authorise(c, actor, community, remoteModerators);
            var current = f.communities().findById(c, community.id()).orElseThrow();
            RemoteCommunities.apply(c, f.communities(), current, profile);
            if (!self) {
                ModerationLog.record(c, current.id(), actor.id(), ModerationLog.Action.EDIT_COMMUNITY, groupUri.toString(), "", null);
            }
        });
    }
}
