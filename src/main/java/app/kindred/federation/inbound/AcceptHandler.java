package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.remote.RemoteFetcher;
import app.kindred.thread.Anonymity;
import java.net.URI;
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
    public Effect handle(Incoming in, Actor answering, Optional<Actor> viaGroup) throws Rejected {
        var activity = in.activity();
        var followId = activity.object().uri();
        if (accept && AnonymousHandler.requested(in)) return anonymousPublished(in, answering);
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

    /**
     * A community elsewhere published our member's anonymous post and says where (issue 17): kept so
     * the writer sees it as theirs. Only the community the request went to may say so.
     */
    private Effect anonymousPublished(Incoming in, Actor community) throws Rejected {
        var requestUri = in.activity().object().uri();
        var result = in.json().path("result");
        var publishedUri =
                result.isTextual() ? result.asText() : result.path("id").asText("");
        if (!RemoteFetcher.sameOrigin(URI.create(publishedUri), community.uri()))
            throw new Rejected("a publication at " + publishedUri + " is not on " + community.uri() + "'s origin");
        var held = f.db().read(c -> f.posts().findByUri(c, URI.create(requestUri)))
                .orElseThrow(() -> new Rejected("no anonymous request of ours is " + requestUri));
        var into = f.db().read(c -> f.communities().findById(c, held.communityId()))
                .orElseThrow();
        if (!into.actor().uri().equals(community.uri()))
            throw new Rejected(community.uri() + " is not the community " + requestUri + " was sent to");
        var anonymity = new Anonymity(f.communities());
        return c -> {
            if (!anonymity.sentElsewhere(c, held.id()))
                throw new Rejected(requestUri + " was not sent to be published anonymously");
            anonymity.published(c, held.id(), publishedUri);
        };
    }
}
