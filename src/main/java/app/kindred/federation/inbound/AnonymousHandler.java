package app.kindred.federation.inbound;

import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.JsonLd;
import app.kindred.actor.Actor;
import app.kindred.actor.LocalIds;
import app.kindred.community.Community;
import app.kindred.community.Participant;
import app.kindred.federation.Publisher;
import app.kindred.remote.RemoteFetcher;
import app.kindred.thread.AnonymousRequests;
import app.kindred.thread.ThreadEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A member of another Kindred server asks one of our communities to publish their post
 * anonymously (issue 17, docs/federation.md "Anonymous posting"): a Create, Update or Delete marked
 * {@code "anonymous": true}, addressed to the community alone. The post is published here under the
 * writer's pseudonym in the thread, through the same rules as our own members' anonymous posts
 * ({@link AnonymousRequests}); the request itself is never relayed, so nobody else sees who sent it.
 */
final class AnonymousHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FederationContext f;

    AnonymousHandler(FederationContext f) {
        this.f = f;
    }

    /** Whether the sender asked for anonymity, on the activity or on its object. */
    static boolean requested(Incoming in) {
        return in.json().path(Publisher.ANONYMOUS).asBoolean(false)
                || in.objectJson().path(Publisher.ANONYMOUS).asBoolean(false);
    }

    Effect create(Incoming in, Actor writer) throws Rejected {
        var object = object(in, writer);
        var requests = requests();
        var already = f.db().read(c -> requests.published(c, object.id()));
        if (already.isPresent()) return c -> {}; // a repeat: published once
        Optional<Community> into = f.db().read(c -> community(c, object));
        var community = into.orElseThrow(() ->
                new Rejected("an anonymous post must be addressed to one of our communities (" + object.id() + ")"));
        return Effect.inCommunity(community.id(), c -> {
            var current = f.communities().findById(c, community.id()).orElseThrow();
            var parent = object.inReplyTo() == null
                    ? null
                    : f.posts()
                            .findByUri(c, URI.create(object.inReplyTo()))
                            .orElseThrow(() -> new Rejected(
                                    "an anonymous reply to " + object.inReplyTo() + ", which is in no community here"));
            var read = IncomingPost.read(object, parent == null);
            var published = requests.publish(
                    c,
                    current,
                    parent,
                    Participant.remote(writer),
                    new AnonymousRequests.Words(
                            object.id(),
                            read.title(),
                            read.contentHtml(),
                            read.summary(),
                            read.sensitive(),
                            read.language()),
                    events(current));
            tellWriter(c, current, writer, object.id(), published.uri().toString());
        });
    }

    /**
     * The writer's server is told, privately, where its member's post was published: an Accept of
     * the request ({@code object} the id it gave the post) with the pseudonym's post as its
     * {@code result}, so the writer sees it as theirs there (docs/federation.md "Anonymous posting").
     * Only to the writer: it links them to the pseudonym.
     */
    private void tellWriter(Connection c, Community community, Actor writer, String sourceUri, String publishedUri)
            throws SQLException {
        var group = community.actor();
        var id = group.uri() + "/activities/accept/" + UUID.randomUUID();
        var json = JSON.createObjectNode();
        json.set("@context", JsonLd.context());
        json.put("id", id)
                .put("type", "Accept")
                .put("actor", group.uri().toString())
                .put("object", sourceUri)
                .put("result", publishedUri)
                .put(Publisher.ANONYMOUS, true);
        json.putArray("to").add(writer.uri().toString());
        f.outbox().enqueue(c, group, id, publishedUri, json.toString(), List.of(writer));
    }

    Effect update(Incoming in, Actor writer) throws Rejected {
        var object = object(in, writer);
        var requests = requests();
        var published = f.db().read(c -> requests.published(c, object.id()))
                .orElseThrow(() -> new Rejected("no anonymous post here was published for " + object.id()));
        return Effect.inCommunity(published.communityId(), c -> {
            var post = f.posts().findById(c, published.id()).orElseThrow();
            var read = IncomingPost.read(object, post.isThread());
            var community = f.communities().findById(c, post.communityId()).orElseThrow();
            requests.edit(
                    c,
                    post,
                    Participant.remote(writer),
                    new AnonymousRequests.Words(
                            object.id(),
                            read.title(),
                            read.contentHtml(),
                            read.summary(),
                            read.sensitive(),
                            read.language()),
                    events(community));
        });
    }

    Effect delete(Incoming in, Actor writer) throws Rejected {
        var objectUri = in.activity().object().uri();
        if (!RemoteFetcher.sameOrigin(URI.create(objectUri), writer.uri()))
            throw new Rejected(writer.uri() + " cannot delete " + objectUri);
        var requests = requests();
        var published = f.db().read(c -> requests.published(c, objectUri));
        // Deleted before it was published, or a repeat: nothing left to take down.
        if (published.isEmpty()) return c -> {};
        return Effect.inCommunity(published.get().communityId(), c -> {
            var post = f.posts().findById(c, published.get().id()).orElseThrow();
            if (post.deleted()) return;
            var community = f.communities().findById(c, post.communityId()).orElseThrow();
            requests.delete(c, post, Participant.remote(writer), events(community));
        });
    }

    /** The post as the writer's server sent it: embedded, theirs, on their origin, and not public. */
    private ContentObject object(Incoming in, Actor writer) throws Rejected {
        if (!(in.activity().object().document() instanceof ContentObject object)
                || !in.objectJson().isObject())
            throw new Rejected("an anonymous post must be sent embedded in the activity");
        if (!CreateHandler.POSTS.contains(object.type()))
            throw new Rejected("a " + object.type() + " is not a post or comment");
        if (!RemoteFetcher.sameOrigin(URI.create(object.id()), writer.uri()))
            throw new Rejected("object " + object.id() + " is not on its writer's origin " + writer.uri());
        if (!object.attributedTo().contains(writer.uri().toString()))
            throw new Rejected("object " + object.id() + " is not attributed to " + writer.uri());
        // Published under the writer's name already: a pseudonym would hide nothing.
        if (PublicAddressing.isPublic(object, in.activity()))
            throw new Rejected("an anonymous post must be addressed to the community alone, not to the public");
        return object;
    }

    private Optional<Community> community(Connection c, ContentObject object) throws SQLException {
        if (object.inReplyTo() != null) {
            var parent = f.posts().findByUri(c, URI.create(object.inReplyTo()));
            return parent.isPresent() ? f.communities().findById(c, parent.get().communityId()) : Optional.empty();
        }
        for (var candidate : object.to()) {
            var community = f.communityOf(c, URI.create(candidate));
            if (community.isPresent() && community.get().actor().local()) return community;
        }
        if (object.audience() != null) {
            var community = f.communityOf(c, URI.create(object.audience()));
            if (community.isPresent() && community.get().actor().local()) return community;
        }
        return Optional.empty();
    }

    private AnonymousRequests requests() {
        return new AnonymousRequests(f.communities(), f.posts());
    }

    private ThreadEvents events(Community community) {
        var uri = community.actor().uri();
        return f.threadEvents(new LocalIds(URI.create(uri.getScheme() + "://" + uri.getRawAuthority())));
    }
}
