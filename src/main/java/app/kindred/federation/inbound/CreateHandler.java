package app.kindred.federation.inbound;

import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ObjectType;
import app.kindred.activitypub.Ref;
import app.kindred.activitypub.Tag;
import app.kindred.actor.Actor;
import app.kindred.care.Admission;
import app.kindred.community.Community;
import app.kindred.community.Participant;
import app.kindred.content.HtmlSanitizer;
import app.kindred.federation.PostDocuments;
import app.kindred.federation.Relay;
import app.kindred.notification.Notifications;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.thread.PostStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Create (and Update of a post we do not have yet) of a Page, Article or Note addressed to a
 * community: Lemmy, Mbin, PieFed and NodeBB address it in to/cc/audience; Mastodon mentions the
 * group. Only what its author addressed to the public becomes a post ({@link PublicAddressing}).
 * A reply's parent must be in the same community; missing ancestors are fetched.
 */
final class CreateHandler implements ActivityHandler {
    static final Set<ObjectType> POSTS = Set.of(ObjectType.Page, ObjectType.Article, ObjectType.Note);
    private static final int MAX_ANCESTORS = 8;

    private final FederationContext f;

    CreateHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Incoming in, Actor author, Optional<Actor> viaGroup) throws FetchException, Rejected {
        // Issue 17: a post sent privately to be published here under a pseudonym.
        if (viaGroup.isEmpty() && AnonymousHandler.requested(in)) return new AnonymousHandler(f).create(in, author);
        var activity = in.activity();
        var fetched = object(activity.object(), in.objectJson());
        var object = fetched.object();
        if (!PublicAddressing.isPublic(object, activity)
                && object.type() == ObjectType.Note
                && !f.db().read(c -> PublicAddressing.toPrivateCommunity(c, object, activity))) {
            // Private and not to a private community's members: taken only as part of a wellbeing
            // check-in, else refused as every private note is.
            return checkIn(object, fetched.json(), author);
        }
        PublicAddressing.require(f, object, activity);
        if (!POSTS.contains(object.type())) throw new Rejected("a " + object.type() + " is not a post or comment");
        var objectUri = URI.create(object.id());
        if (!RemoteFetcher.sameOrigin(objectUri, author.uri())) {
            throw new Rejected("object " + objectUri + " is not on its author's origin " + author.uri());
        }
        if (!object.attributedTo().contains(author.uri().toString())) {
            throw new Rejected(
                    "object " + objectUri + " is attributed to " + object.attributedTo() + ", not to " + author.uri());
        }
        var ancestors =
                object.inReplyTo() == null ? List.<Ancestor>of() : missingAncestors(URI.create(object.inReplyTo()));
        Optional<Community> into = f.db().read(c -> communityOf(c, object, ancestors, viaGroup));
        // What needs no order is done here, in parallel with other activities, not in the community's turn
        // (CommunityBatches applies its changes one at a time): cleaning the post, its text for the
        // admission rules, and the announces the community will send. A reply's parent, found in the
        // turn, always exists when it names one, so whether it is a thread is known already.
        var read = IncomingPost.read(object, object.inReplyTo() == null);
        var text = HtmlSanitizer.toText(read.contentHtml());
        var postUri = objectUri.toString();
        // The content just cleaned is the relayed copy's content too: it is not cleaned a second time.
        var cleaned = PostDocuments.cleanedContent(object, read);
        Optional<Relay.Prepared> announces = into.filter(k -> k.actor().local())
                .map(k -> f.prepareRelay(k, in.json(), Optional.of(fetched.json()), postUri, cleaned));
        return Effect.posting(into, c -> {
            Community community;
            Long parentId = null, threadId = null;
            boolean parentHeld = false;
            for (var ancestor : ancestors.reversed()) store(c, ancestor.object(), ancestor.author(), viaGroup, null);
            if (object.inReplyTo() != null) {
                var parent = f.posts()
                        .findByUri(c, URI.create(object.inReplyTo()))
                        .orElseThrow(() ->
                                new Rejected("reply to " + object.inReplyTo() + ", which is in no community we know"));
                community = f.communities().findById(c, parent.communityId()).orElseThrow();
                f.posting().checkReply(c, community, parent, Participant.remote(author));
                parentId = parent.id();
                parentHeld = parent.held();
                threadId = parent.threadId() == null ? parent.id() : parent.threadId();
            } else {
                community = addressedCommunity(c, object, viaGroup)
                        .orElseThrow(() -> new Rejected("thread " + objectUri + " is addressed to no community here"));
                f.posting().checkThread(c, community, Participant.remote(author));
            }
            if (!community.actor().local()
                    && viaGroup.filter(g -> g.id() == community.actor().id()).isEmpty()) {
                throw new Rejected("content of the remote community "
                        + community.actor().uri() + " is taken only from that community");
            }
            var verdict = f.admission()
                    .admitReply(
                            c,
                            community,
                            Participant.remote(author),
                            new Admission.Writing(parentId == null, read.title(), text, read.summary()),
                            parentHeld);
            var target = community;
            // In the community's turn the post may be inserted together with the turn's other new posts, and
            // what follows done then (PostStore.insert).
            f.posts().insert(c, newPost(object, read, author, community, parentId, threadId, activity.id()), stored -> {
                // A post we had already (a repeat, a race) was held, told and announced when it was stored.
                if (!stored.created()) return;
                if (verdict instanceof Admission.Hold hold) {
                    // Kept as it arrived, so that approval announces it as if it had just come in; until then nobody is
                    // told.
                    f.posts()
                            .hold(
                                    c,
                                    stored.post().id(),
                                    hold.reason(),
                                    in.json().toString(),
                                    fetched.json().toString());
                    return;
                }
                Notifications.remotePost(
                        c,
                        stored.post().id(),
                        stored.post().parentId() != null,
                        object.tag().stream()
                                .filter(Tag.Mention.class::isInstance)
                                .map(t -> ((Tag.Mention) t).href())
                                .toList());
                if (target.actor().local()) {
                    var storedUri = stored.post().uri().toString();
                    // Prepared for the community found before the turn; in the rare case the turn found another
                    // (the community changed hands in between), prepared again for it.
                    var relayed = announces
                            .filter(p -> p.groupId() == target.actor().id()
                                    && p.objectId().equals(storedUri))
                            .orElseGet(() -> f.prepareRelay(target, in.json(), Optional.of(fetched.json()), storedUri));
                    f.relay(c, target, relayed);
                }
            });
        });
    }

    private Effect checkIn(ContentObject object, JsonNode json, Actor author) throws Rejected {
        var arrived = CheckIns.arrived(object.id(), object.attributedTo(), json, author);
        return c -> {
            if (f.checkIns().receive(c, arrived).isEmpty())
                throw new Rejected(PublicAddressing.NOT_PUBLIC + " (" + object.id() + ")");
        };
    }

    /** The community the post goes into, as the change finds it (the thread's, or the one addressed), to lock it first. */
    private Optional<Community> communityOf(
            Connection c, ContentObject object, List<Ancestor> ancestors, Optional<Actor> viaGroup)
            throws SQLException {
        // The topmost ancestor we lack replies to one we have, or starts the thread.
        var top = ancestors.isEmpty() ? object : ancestors.getLast().object();
        if (top.inReplyTo() == null) return addressedCommunity(c, top, viaGroup);
        var parent = f.posts().findByUri(c, URI.create(top.inReplyTo()));
        return parent.isPresent() ? f.communities().findById(c, parent.get().communityId()) : Optional.empty();
    }

    record Fetched(ContentObject object, JsonNode json) {}

    private record Ancestor(ContentObject object, Actor author) {}

    /** The embedded object, or the object fetched from its origin when only its id was sent. */
    private Fetched object(Ref ref, JsonNode embedded) throws FetchException, Rejected {
        if (ref.document() instanceof ContentObject o && embedded.isObject()) return new Fetched(o, embedded);
        var fetched = f.fetchPost(URI.create(ref.uri()));
        return new Fetched(fetched.object(), fetched.json());
    }

    /** Ancestors we do not have, nearest first, fetched from their origins until one we know. */
    private List<Ancestor> missingAncestors(URI parent) throws FetchException, Rejected {
        var missing = new ArrayList<Ancestor>();
        var next = parent;
        while (next != null && !known(next)) {
            if (missing.size() >= MAX_ANCESTORS)
                throw new Rejected("the thread above " + parent + " is too deep to fetch");
            var object = f.fetchObject(next);
            // A reply to someone's private note would otherwise publish that note as its parent.
            PublicAddressing.require(f, object, null);
            if (object.author() == null) throw new Rejected(next + " has no author");
            missing.add(new Ancestor(object, f.remoteActors().byUri(URI.create(object.author()))));
            next = object.inReplyTo() == null ? null : URI.create(object.inReplyTo());
        }
        return missing;
    }

    private boolean known(URI uri) {
        return f.db().read(c -> f.posts().findByUri(c, uri)).isPresent();
    }

    private void store(Connection c, ContentObject object, Actor author, Optional<Actor> viaGroup, String activityId)
            throws SQLException, Rejected {
        if (f.posts().findByUri(c, URI.create(object.id())).isPresent()) return;
        if (object.inReplyTo() == null) {
            var community = addressedCommunity(c, object, viaGroup)
                    .orElseThrow(() -> new Rejected("fetched thread " + object.id() + " is in no community we know"));
            f.posts()
                    .insert(
                            c,
                            newPost(
                                    object,
                                    IncomingPost.read(object, true),
                                    author,
                                    community,
                                    null,
                                    null,
                                    activityId));
        } else {
            var parent = f.posts()
                    .findByUri(c, URI.create(object.inReplyTo()))
                    .orElseThrow(() -> new Rejected("fetched comment " + object.id() + " has no known parent"));
            var community = f.communities().findById(c, parent.communityId()).orElseThrow();
            f.posts()
                    .insert(
                            c,
                            newPost(
                                    object,
                                    IncomingPost.read(object, false),
                                    author,
                                    community,
                                    parent.id(),
                                    parent.threadId() == null ? parent.id() : parent.threadId(),
                                    activityId));
        }
    }

    private PostStore.NewPost newPost(
            ContentObject object,
            PostDocuments.Incoming read,
            Actor author,
            Community community,
            Long parentId,
            Long threadId,
            String activityId) {
        // An instance whose media the admin rejects keeps its text; its attachments and link are dropped.
        if (f.policy().decide(author.uri()).rejectMedia()) read = read.withoutMedia();
        return new PostStore.NewPost(
                URI.create(object.id()),
                community.id(),
                author.id(),
                parentId,
                threadId,
                false,
                read.apType(),
                read.title(),
                read.contentHtml(),
                null,
                read.summary(),
                read.sensitive(),
                read.language(),
                read.url(),
                IncomingPost.notAfterReceipt(object.published(), Instant.now()),
                activityId,
                read.extras());
    }

    /** The community among the object's audience, to, cc and mentions (Mastodon's form), or the announcing group. */
    Optional<Community> addressedCommunity(Connection c, ContentObject object, Optional<Actor> viaGroup)
            throws SQLException {
        var candidates = new LinkedHashSet<String>();
        if (object.audience() != null) candidates.add(object.audience());
        candidates.addAll(object.to());
        candidates.addAll(object.cc());
        for (var tag : object.tag()) if (tag instanceof Tag.Mention m && m.href() != null) candidates.add(m.href());
        viaGroup.ifPresent(g -> candidates.add(g.uri().toString()));
        for (var candidate : candidates) {
            URI uri;
            try {
                uri = URI.create(candidate);
            } catch (IllegalArgumentException e) {
                continue;
            }
            var community = f.communityOf(c, uri);
            if (community.isPresent()) return community;
        }
        return Optional.empty();
    }
}
