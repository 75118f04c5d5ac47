package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import app.kindred.activitypub.Ref;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Announces from a remote community our members follow (FEP-1b12). Only that Group's announces are
 * taken; an embedded activity from another origin is not trusted as sent but fetched again from its
 * own origin, and a bare object is fetched from its origin too.
 */
final class AnnounceHandler implements ActivityHandler {
    private static final ObjectMapper JSON = app.kindred.activitypub.ActivityPubJson.newMapper();
    /** Announced activities that add nothing here, only take away or undo. */
    private static final java.util.Set<ActivityType> TAKES_AWAY = java.util.EnumSet.of(ActivityType.Delete, ActivityType.Undo,
            ActivityType.Block, ActivityType.Lock);

    private final FederationContext f;
    private final HandlerTable table;

    AnnounceHandler(FederationContext f, HandlerTable table) {
        this.f = f;
        this.table = table;
    }

    @Override
    public Effect handle(Activity announce, JsonNode json, Actor group, Optional<Actor> viaGroup)
            throws FetchException, Rejected {
        if (group.type() != ActorType.GROUP) throw new Rejected("announces are taken only from communities, not from " + group.uri());
        if (group.local()) return Effect.NONE;
        // Mbin's magazine passes reports on to the servers involved. A report changes nothing but a
        // queue, so it is taken as sent, whether or not anyone here follows the magazine.
        if (announce.object().document() instanceof Activity flag && flag.type() == ActivityType.Flag) {
            var reporter = f.remoteActors().byUri(URI.create(flag.actor()));
            return table.handlerFor(ActivityType.Flag).orElseThrow().handle(flag, json.path("object"), reporter, Optional.of(group));
        }
        boolean followed = f.db().read(c -> f.follows().followedLocally(c, group.id()));
        // What only takes away (a removal, a deletion, a ban, an undo) is still taken from a community we keep when
        // nobody here follows it any more: a ban that overtook the removal before it must not leave the post showing.
        boolean takesAway = announce.object().document() instanceof Activity a && TAKES_AWAY.contains(a.type())
                && f.db().read(c -> f.communityOf(c, group.uri())).isPresent();
        if (!followed && !takesAway) throw new Rejected("announce from " + group.uri() + ", which none of our members follows");

        var ref = announce.object();
        var embedded = json.path("object");
        if (ref.document() instanceof Activity inner) {
            if (ours(inner.id())) return Effect.NONE; // our member's own activity, announced back: applied when sent
            JsonNode innerJson = embedded;
            if (!RemoteFetcher.sameOrigin(URI.create(inner.id()), group.uri())) {
                boolean updatesAnActor = app.kindred.actor.ActorType.fromWire(embedded.path("object").path("type").asText()).isPresent();
                if ((inner.type() == ActivityType.Create || inner.type() == ActivityType.Update) && !updatesAnActor) {
                    // Not trusted as sent: the object is taken as its own origin serves it.
                    var fetched = f.fetchPost(URI.create(inner.object().uri()));
                    inner = new Activity(inner.id(), inner.type(), inner.actor(), List.of(Ref.embedded(fetched.object())),
                            inner.target(), inner.to(), inner.cc(), inner.audience(), inner.summary(), inner.content(),
                            inner.tag(), inner.published(), inner.endTime(), inner.removeData());
                    var rebuilt = innerJson.deepCopy();
                    if (rebuilt instanceof com.fasterxml.jackson.databind.node.ObjectNode o) o.set("object", fetched.json());
                    innerJson = rebuilt;
                } else {
                    var refetched = refetch(inner);
                    if (refetched.isEmpty()) return deletionConfirmed(inner, group);
                    inner = refetched.get().activity();
                    innerJson = refetched.get().json();
                }
            }
            var innerActor = f.remoteActors().byUri(URI.create(inner.actor()));
            var handler = table.handlerFor(inner.type());
            if (handler.isEmpty() || inner.type() == ActivityType.Announce) {
                throw new Rejected("announced " + inner.type() + " is not something we apply");
            }
            return handler.get().handle(inner, innerJson, innerActor, Optional.of(group));
        }
        // Announce{object}: Mastodon-style groups share the post itself.
        boolean trusted = ref.document() instanceof ContentObject o && RemoteFetcher.sameOrigin(URI.create(o.id()), group.uri());
        var fetched = trusted ? new FederationContext.FetchedPost((ContentObject) ref.document(), embedded)
                : f.fetchPost(URI.create(ref.uri()));
        var object = fetched.object();
        var author = f.remoteActors().byUri(URI.create(object.author()));
        var create = new Activity(object.id() + "#create", ActivityType.Create, author.uri().toString(),
                List.of(Ref.embedded(object)), null, object.to(), object.cc(), object.audience(), null, null, null, null, null, null);
        var createJson = JSON.createObjectNode();
        createJson.put("id", create.id());
        createJson.put("type", "Create");
        createJson.put("actor", author.uri().toString());
        createJson.set("object", fetched.json());
        return table.handlerFor(ActivityType.Create).orElseThrow().handle(create, createJson, author, Optional.of(group));
    }

    private boolean ours(String activityId) {
        return f.db().read(c -> app.kindred.storage.Sql.count(c,
                "select count(*) from outbound_activity where activity_id = ?", activityId)) > 0;
    }

    private record Refetched(Activity activity, JsonNode json) {}

    /** The activity as its own origin serves it; empty when that origin no longer has it. */
    private Optional<Refetched> refetch(Activity inner) throws FetchException, Rejected {
        JsonNode node;
        try {
            node = f.fetcher().getActivityJson(URI.create(inner.id()));
        } catch (FetchException e) {
            if (e.reason() == FetchException.Reason.NOT_FOUND || e.reason() == FetchException.Reason.GONE) return Optional.empty();
            throw e;
        }
        if (FederationContext.READER.read(node) instanceof ReadResult.Supported s && s.document() instanceof Activity a
                && a.id().equals(inner.id())) {
            return Optional.of(new Refetched(a, node));
        }
        throw new Rejected("announced activity " + inner.id() + " is not what its origin serves");
    }

    /** A Delete we cannot refetch is believed only if the deleted object is gone at its origin too. */
    private Effect deletionConfirmed(Activity inner, Actor group) throws FetchException, Rejected {
        if (inner.type() != ActivityType.Delete) throw new Rejected("announced " + inner.id() + " cannot be confirmed at its origin");
        try {
            f.fetcher().getActivityJson(URI.create(inner.object().uri()));
            throw new Rejected("announced Delete of " + inner.object().uri() + ", which its origin still serves");
        } catch (FetchException e) {
            if (e.reason() != FetchException.Reason.NOT_FOUND && e.reason() != FetchException.Reason.GONE) throw e;
        }
        var author = f.remoteActors().byUri(URI.create(inner.actor()));
        return table.handlerFor(ActivityType.Delete).orElseThrow().handle(inner, JSON.valueToTree(inner), author, Optional.of(group));
    }
}
