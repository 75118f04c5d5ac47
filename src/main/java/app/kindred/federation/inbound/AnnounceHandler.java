package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Announces from a remote community our members follow (FEP-1b12). Only that Group's announces are
 * taken; an embedded activity from another origin is not trusted as sent but fetched again from its
 * own origin, and a bare object is fetched from its origin too.
 */
final class AnnounceHandler implements ActivityHandler {
    /** Announced activities that add nothing here, only take away or undo. */
    private static final Set<ActivityType> TAKES_AWAY =
            EnumSet.of(ActivityType.Delete, ActivityType.Undo, ActivityType.Block, ActivityType.Lock);

    private final FederationContext f;
    private final HandlerTable table;

    AnnounceHandler(FederationContext f, HandlerTable table) {
        this.f = f;
        this.table = table;
    }

    @Override
    public Effect handle(Incoming in, Actor group, Optional<Actor> viaGroup) throws FetchException, Rejected {
        var announce = in.activity();
        if (group.type() != ActorType.GROUP)
            throw new Rejected("announces are taken only from communities, not from " + group.uri());
        if (group.local()) return Effect.NONE;
        // Mbin's magazine passes reports on to the servers involved. A report changes nothing but a
        // queue, so it is taken as sent, whether or not anyone here follows the magazine.
        var embedded = in.inner();
        if (embedded.isPresent() && embedded.get().type() == ActivityType.Flag) {
            var flag = embedded.get();
            var reporter = f.remoteActors().byUri(URI.create(flag.activity().actor()));
            return table.handlerFor(flag).orElseThrow().handle(flag, reporter, Optional.of(group));
        }
        boolean followed = f.db().read(c -> f.follows().followedLocally(c, group.id()));
        // What only takes away (a removal, a deletion, a ban, an undo) is still taken from a community we keep when
        // nobody here follows it any more: a ban that overtook the removal before it must not leave the post showing.
        boolean takesAway = embedded.isPresent()
                && TAKES_AWAY.contains(embedded.get().type())
                && f.db().read(c -> f.communityOf(c, group.uri())).isPresent();
        if (!followed && !takesAway)
            throw new Rejected("announce from " + group.uri() + ", which none of our members follows");

        if (embedded.isPresent()) {
            var inner = embedded.get();
            if (ours(inner.activity().id()))
                return Effect.NONE; // our member's own activity, announced back: applied when sent
            if (!RemoteFetcher.sameOrigin(URI.create(inner.activity().id()), group.uri())) {
                boolean updatesAnActor = ActorType.fromWire(
                                inner.objectJson().path("type").asText())
                        .isPresent();
                if ((inner.type() == ActivityType.Create || inner.type() == ActivityType.Update) && !updatesAnActor) {
                    // Not trusted as sent: the object is taken as its own origin serves it.
                    var fetched =
                            f.fetchPost(URI.create(inner.activity().object().uri()));
                    inner = inner.withObject(fetched.object(), fetched.json());
                } else {
                    var refetched = refetch(inner.activity());
                    if (refetched.isEmpty()) return deletionConfirmed(inner.activity(), group);
                    inner = refetched.get();
                }
            }
            var innerActor = f.remoteActors().byUri(URI.create(inner.activity().actor()));
            var handler = table.handlerFor(inner);
            if (handler.isEmpty() || inner.type() == ActivityType.Announce) {
                throw new Rejected("announced " + inner.type() + " is not something we apply");
            }
            return withCommunityWarning(
                    handler.get().handle(inner, innerActor, Optional.of(group)),
                    group,
                    in.objectJson().path("object"),
                    inner.activity().object().uri());
        }
        // Announce{object}: Mastodon-style groups share the post itself.
        var ref = announce.object();
        boolean trusted =
                ref.document() instanceof ContentObject o && RemoteFetcher.sameOrigin(URI.create(o.id()), group.uri());
        var fetched = trusted
                ? new FederationContext.FetchedPost((ContentObject) ref.document(), in.objectJson())
                : f.fetchPost(URI.create(ref.uri()));
        var object = fetched.object();
        var author = f.remoteActors().byUri(URI.create(object.author()));
        var create = Incoming.createOf(object, fetched.json(), author.uri().toString());
        return withCommunityWarning(
                table.handlerFor(create).orElseThrow().handle(create, author, Optional.of(group)),
                group,
                in.objectJson(),
                object.id());
    }

    /**
     * A warning the community added when its moderators approved the post ({@code communityWarning}
     * on the announced object, Kindred's extension): the group's own word, so read from its announce,
     * not from the object as its author's server serves it, and kept only for a post in that community.
     */
    private Effect withCommunityWarning(Effect effect, Actor group, JsonNode announced, String objectId) {
        var warning = announced.path(COMMUNITY_WARNING);
        if (!warning.isTextual() || warning.asText().isBlank() || objectId == null) return effect;
        var text = warning.asText().strip();
        var kept = text.length() > MAX_COMMUNITY_WARNING ? text.substring(0, MAX_COMMUNITY_WARNING) : text;
        return Effect.inCommunity(effect.community(), c -> {
            effect.apply(c);
            var post = f.posts().findByUri(c, URI.create(objectId));
            if (post.isEmpty()) return;
            var community = f.communities().findById(c, post.get().communityId());
            if (community.isPresent() && community.get().actor().uri().equals(group.uri()))
                f.posts().setCommunityWarning(c, post.get().id(), kept);
        });
    }

    private static final String COMMUNITY_WARNING = "communityWarning";
    private static final int MAX_COMMUNITY_WARNING = 200;

    private boolean ours(String activityId) {
        return f.db().read(c ->
                        Sql.count(c, "select count(*) from outbound_activity where activity_id = ?", activityId))
                > 0;
    }

    /** The activity as its own origin serves it; empty when that origin no longer has it. */
    private Optional<Incoming> refetch(Activity inner) throws FetchException, Rejected {
        JsonNode node;
        try {
            node = f.fetcher().getActivityJson(URI.create(inner.id()));
        } catch (FetchException e) {
            if (e.reason() == FetchException.Reason.NOT_FOUND || e.reason() == FetchException.Reason.GONE)
                return Optional.empty();
            throw e;
        }
        if (FederationContext.READER.read(node) instanceof ReadResult.Supported s
                && s.document() instanceof Activity a
                && a.id().equals(inner.id())) {
            return Optional.of(new Incoming(a, node));
        }
        throw new Rejected("announced activity " + inner.id() + " is not what its origin serves");
    }

    /** A Delete we cannot refetch is believed only if the deleted object is gone at its origin too. */
    private Effect deletionConfirmed(Activity inner, Actor group) throws FetchException, Rejected {
        if (inner.type() != ActivityType.Delete)
            throw new Rejected("announced " + inner.id() + " cannot be confirmed at its origin");
        try {
            f.fetcher().getActivityJson(URI.create(inner.object().uri()));
            throw new Rejected("announced Delete of " + inner.object().uri() + ", which its origin still serves");
        } catch (FetchException e) {
            if (e.reason() != FetchException.Reason.NOT_FOUND && e.reason() != FetchException.Reason.GONE) throw e;
        }
        var author = f.remoteActors().byUri(URI.create(inner.actor()));
        var delete = Incoming.of(inner);
        return table.handlerFor(delete).orElseThrow().handle(delete, author, Optional.of(group));
    }
}
