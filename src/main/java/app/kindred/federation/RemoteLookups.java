package app.kindred.federation;

import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.community.CommunityStore;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.search.RemoteLookup;
import app.kindred.storage.Database;
import app.kindred.thread.PostStore;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Search's look-up of a pasted handle or URL on its own server: a community is stored (as a follow
 * would, without following) so its page can be read; a post is found only when we hold it, since a
 * post reaches us through its community.
 */
public final class RemoteLookups implements RemoteLookup {
    private static final Logger log = LoggerFactory.getLogger(RemoteLookups.class);
    private static final ActivityPubReader READER = new ActivityPubReader();

    private final Database db;
    private final CommunityStore communities;
    private final PostStore posts;
    private final RemoteActors actors;
    private final RemoteCommunities remoteCommunities;
    private final RemoteFetcher fetcher;

    public RemoteLookups(
            Database db,
            CommunityStore communities,
            PostStore posts,
            RemoteActors actors,
            RemoteCommunities remoteCommunities,
            RemoteFetcher fetcher) {
        this.db = db;
        this.communities = communities;
        this.posts = posts;
        this.actors = actors;
        this.remoteCommunities = remoteCommunities;
        this.fetcher = fetcher;
    }

    @Override
    public Found lookUp(String handleOrUrl) {
        try {
            if (handleOrUrl.startsWith("https://") || handleOrUrl.startsWith("http://"))
                return byUrl(URI.create(handleOrUrl));
            return community(actors.resolve(handleOrUrl), handleOrUrl);
        } catch (FetchException e) {
            throw notFound("could not find " + handleOrUrl + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("q", "\"" + handleOrUrl + "\" is not a URL");
        }
    }

    private Found byUrl(URI url) throws FetchException {
        var document = fetcher.getActivityJson(url);
        return switch (READER.read(document)) {
            case ReadResult.Supported s
            when s.document() instanceof app.kindred.activitypub.Actor a && a.id() != null ->
                community(actors.byUri(URI.create(a.id())), url.toString());
            case ReadResult.Supported s
            when s.document() instanceof ContentObject o && o.id() != null -> {
                var held = db.read(c -> posts.findShownByUri(c, URI.create(o.id())));
                if (held.isPresent()) yield new Found.Post(held.get().id());
                throw notFound(url + " is a post this instance does not hold; follow its community to read it here");
            }
            default -> throw notFound(url + " is neither a community nor a post");
        };
    }

    private Found community(Actor actor, String asked) {
        if (actor.type() != ActorType.GROUP) {
            throw notFound(asked + " is a " + actor.type().wireName() + ", not a community");
        }
        var community = db.transaction(c -> actor.local()
                ? communities.byActor(c, actor).orElseThrow(() -> notFound("there is no community " + asked))
                : communities.ensureRemote(c, actor));
        if (!actor.local()) {
            // Its title, description and guidelines as its origin serves them now; what we have stands otherwise.
            try {
                remoteCommunities.refresh(actor.uri());
            } catch (FetchException | RuntimeException e) {
                log.info("could not refresh {} after a look-up: {}", actor.uri(), e.getMessage());
            }
        }
        return new Found.Community(community.id());
    }

    private static Refusal notFound(String message) {
        return new Refusal(Refusal.Kind.NOT_FOUND, "q", message);
    }
}
