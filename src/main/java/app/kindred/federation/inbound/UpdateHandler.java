package app.kindred.federation.inbound;

import app.kindred.activitypub.ContentObject;
import app.kindred.actor.Actor;
import app.kindred.care.Admission;
import app.kindred.community.Participant;
import app.kindred.content.HtmlSanitizer;
import app.kindred.federation.RemoteCommunities;
import app.kindred.moderation.ModerationLog;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Update, in three forms the handler table tells apart by the object's type: of a post or comment
 * ({@link #post}), accepted only from its author, an Update of a post we never saw taken as its
 * Create, and one that makes a post no longer public taking it down here ({@link PublicAddressing});
 * of an actor by itself ({@link #actor}), which refreshes what we store of it; and of a Group
 * ({@link #group}), a community edited by the group itself, its origin or one of its moderators
 * (FEP-1b12), for one of ours checked and applied by {@link ModerationHandler}.
 */
final class UpdateHandler {
    private final FederationContext f;
    private final CreateHandler create;
    private final ModerationHandler moderation;

    UpdateHandler(FederationContext f, CreateHandler create, ModerationHandler moderation) {
        this.f = f;
        this.create = create;
        this.moderation = moderation;
    }

    Effect post(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        // Issue 17: the writer edits what was published here for them under a pseudonym.
        if (viaGroup.isEmpty() && AnonymousHandler.requested(in)) return new AnonymousHandler(f).update(in, actor);
        var activity = in.activity();
        var objectUri = URI.create(activity.object().uri());
        if (!(activity.object().document() instanceof ContentObject object)) {
            throw new Rejected("an Update needs the updated object embedded");
        }
        if (!RemoteFetcher.sameOrigin(objectUri, actor.uri()))
            throw new Rejected(actor.uri() + " cannot update " + objectUri);
        var existing = f.db().read(c -> f.posts().findByUri(c, objectUri));
        if (existing.isEmpty()) return create.handle(in, actor, viaGroup);
        // Members-only in a private community (issue 17) is what such a post always was: not a narrowing.
        boolean stillPublic = PublicAddressing.isPublic(object, activity)
                || f.db().read(c -> PublicAddressing.toPrivateCommunity(c, object, activity));
        return Effect.inCommunity(existing.get().communityId(), c -> {
            var post = f.posts().findByUri(c, objectUri).orElseThrow();
            var community = f.communities().findById(c, post.communityId()).orElseThrow();
            if (!stillPublic && post.authorId() == actor.id()) {
                // Never stored as a post, its new words are not kept; what was public is taken down, not left up.
                long id = post.id();
                throw new Rejected(PublicAddressing.NARROWED, t -> f.posts().tombstone(t, id));
            }
            f.posting().checkEdit(c, community, post, Participant.remote(actor));
            var read = IncomingPost.read(object, post.isThread());
            // As for a Create: an instance whose media the admin rejects keeps its words, not its pictures.
            if (f.policy().decide(actor.uri()).rejectMedia()) read = read.withoutMedia();
            var verdict = f.admission()
                    .admitEdit(
                            c,
                            community,
                            Participant.remote(actor),
                            new Admission.Writing(
                                    post.isThread(),
                                    read.title() != null ? read.title() : post.title(),
                                    HtmlSanitizer.toText(read.contentHtml()),
                                    read.summary()));
            f.posts()
                    .update(
                            c,
                            post.id(),
                            read.title(),
                            read.contentHtml(),
                            null,
                            read.summary(),
                            read.sensitive(),
                            IncomingPost.notAfterReceipt(object.updated(), Instant.now()));
            // The link and images are the Update's too: one taken out there is taken out here.
            f.posts().setLinkAndExtras(c, post.id(), read.url(), read.extras());
            if (verdict instanceof Admission.Hold hold) {
                // An edit that breaks the policy takes the post back to the moderators; approval announces the new
                // words.
                f.posts()
                        .hold(c, post.id(), hold.reason(), null, in.objectJson().toString());
                return;
            }
            if (post.held()) {
                // Still waiting: approval announces what it says by then.
                f.posts()
                        .hold(
                                c,
                                post.id(),
                                post.heldReason(),
                                null,
                                in.objectJson().toString());
                return;
            }
            if (community.actor().local())
                f.relay(c, community, in.json(), Optional.empty(), post.uri().toString());
        });
    }

    /** An actor updating itself, signed by itself: what we store of it is refreshed. */
    Effect actor(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        var objectUri = URI.create(in.activity().object().uri());
        if (!objectUri.equals(actor.uri()))
            throw new Rejected(actor.uri() + " cannot update another actor, " + objectUri);
        f.remoteActors().store(actor.uri(), in.objectJson());
        return Effect.NONE;
    }

    /**
     * Update{Group}: a remote community's new title, description and guidelines, from the group
     * itself (signed by it), its origin or one of its moderators. For one of ours it is a remote
     * moderator's edit (Lemmy's form), which {@link ModerationHandler#communityEdited} checks and applies.
     */
    Effect group(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        var groupUri = URI.create(in.activity().object().uri());
        var document = in.objectJson();
        var profile = RemoteCommunities.profile(document)
                .orElseThrow(() -> new Rejected("the Group in this Update cannot be read"));
        var found = f.db().read(c -> f.communityOf(c, groupUri));
        if (found.isPresent()
                && found.get().actor().local()
                && in.activity().object().document() instanceof app.kindred.activitypub.Actor group) {
            return moderation.communityEdited(in, actor, found.get(), group, profile.rules());
        }
        boolean self = groupUri.equals(actor.uri());
        // Only the group's own signature vouches for its keys and inboxes; a moderator's copy is read for its profile
        // alone.
        if (self) f.remoteActors().store(actor.uri(), document);
        if (found.isEmpty()) {
            if (self) return Effect.NONE;
            throw new Rejected("Update of " + groupUri + ", a community we do not know");
        }
        var community = found.get();
        var by = self ? null : moderation.participant(actor, community);
        return Effect.inCommunity(community.id(), c -> {
            if (!self) f.moderating().authorise(c, community, by);
            var current = f.communities().findById(c, community.id()).orElseThrow();
            RemoteCommunities.apply(c, f.communities(), current, profile);
            if (!self) {
                ModerationLog.record(
                        c,
                        current.id(),
                        actor.id(),
                        ModerationLog.Action.EDIT_COMMUNITY,
                        groupUri.toString(),
                        "",
                        null);
            }
        });
    }
}
