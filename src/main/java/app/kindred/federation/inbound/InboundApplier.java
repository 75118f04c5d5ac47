package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.storage.Database;
import app.kindred.storage.SqlWork;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one received activity: reads it, finds its handler, lets the handler fetch what it needs,
 * then applies the change, what it must send and the row's "done" in one transaction (or one
 * savepoint of a transaction shared with other changes to the same community: {@link CommunityBatches}),
 * under the community's lock. Says how it went as an {@link Outcome}; every other ending is recorded by the
 * scheduler. Tells a rule's refusal (for good) from a failure that may pass (tried again).
 */
final class InboundApplier {
    private static final Logger log = LoggerFactory.getLogger(InboundApplier.class);

    private final Database db;
    private final FederationContext federation;
    private final HandlerTable handlers;
    private final InboundQueue queue;
    private final CommunityBatches batches;

    InboundApplier(Database db, FederationContext federation, InboundQueue queue) {
        this.db = db;
        this.batches = new CommunityBatches(db, queue);
        this.federation = federation;
        this.handlers = new HandlerTable(federation);
        this.queue = queue;
    }

    Outcome apply(InboundActivity in) {
        // Received before its instance was suspended: the block applies to what is still waiting.
        if (!federation.policy().federates(in.actor().getRawAuthority())) {
            return new Outcome.Refused("rejected: this instance does not federate with "
                    + in.actor().getRawAuthority());
        }
        try {
            return switch (FederationContext.READER.read(in.body())) {
                case ReadResult.Unsupported u
                when PublicAddressing.privateMessage(in.body()).isPresent() -> chatMessage(in);
                case ReadResult.Unsupported u ->
                    new Outcome.Ignored("ignored: " + u.type() + " is not supported (" + u.reason() + ")");
                case ReadResult.Malformed m -> new Outcome.Refused("malformed: " + m.reason());
                case ReadResult.Supported s when s.document() instanceof Activity activity -> apply(in, activity);
                case ReadResult.Supported s ->
                    new Outcome.Refused("a " + s.document().typeName() + " is not an activity");
            };
        } catch (Rejected e) {
            return new Outcome.Refused("rejected: " + e.getMessage(), e.stillApplied());
        } catch (Refusal e) {
            // A unique index lost a race: tried again, when the feature's own check will see the row.
            if (e.raced()) return new Outcome.RetryLater("error: " + e.getMessage());
            // A feature's rule refused the act, as it refuses our own members the same act through the API.
            return new Outcome.Refused("rejected: " + e.getMessage());
        } catch (FetchException e) {
            // The origin's own word that a needed object is not there will not change by retrying for hours.
            if (e.reason() == FetchException.Reason.NOT_FOUND || e.reason() == FetchException.Reason.GONE) {
                return new Outcome.Refused("rejected: what it needs is not at its origin: " + e.getMessage());
            }
            return new Outcome.RetryLater("could not fetch what it needs: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("processing {} {} failed", in.type(), in.activityId(), e);
            return new Outcome.RetryLater("error: " + e);
        }
    }

    private Outcome apply(InboundActivity in, Activity activity) throws FetchException, Rejected {
        var incoming = new Incoming(activity, in.body());
        var handler = handlers.handlerFor(incoming);
        if (handler.isEmpty())
            return new Outcome.Ignored("ignored: nothing here applies a " + activity.type() + " yet");
        Actor actor;
        if (departure(activity, in)) {
            // Delete{Person}: the actor's server now answers 410, so what we stored of them is who they were.
            var stored = db.read(c -> federation.actors().findByUri(c, in.actor()));
            if (stored.isEmpty()) return new Outcome.Ignored("ignored: a Delete of a person we never knew");
            actor = stored.get();
        } else {
            actor = federation.remoteActors().byUri(in.actor());
        }
        var effect = handler.get().handle(incoming, actor, Optional.empty());
        SqlWork<Void> change = c -> {
            try {
                effect.apply(c);
            } catch (Rejected r) {
                throw new RejectedInTransaction(r);
            }
            return null;
        };
        try {
            // One change at a time per community, as on the API's side (see Database.inCommunity), applied
            // together with the others waiting for that community; the batch marks the rows done.
            var community = effect.community();
            if (community.isPresent())
                batches.apply(community.getAsLong(), in.id(), change, effect.keepsCommunityState());
            else
                db.transaction(c -> {
                    // Marked done first: the row's lock then keeps a second process (whose lease on it began
                    // when ours ran out) waiting until we commit, and it finds the row no longer pending.
                    if (!queue.complete(c, in.id())) throw new EndedElsewhere();
                    return change.run(c);
                });
        } catch (RejectedInTransaction r) {
            throw r.rejected;
        } catch (EndedElsewhere e) {
            return new Outcome.EndedElsewhere();
        }
        return new Outcome.Applied();
    }

    /** The community turns taken so far ({@link CommunityBatches}). */
    InboundProcessor.Turns turns() {
        return batches.turns();
    }

    /** A ChatMessage (Lemmy, Pleroma): taken only as the answer to a check-in, else refused as before. */
    private Outcome chatMessage(InboundActivity in) throws FetchException, Rejected {
        if (!in.body().path("type").asText().equals("Create"))
            return new Outcome.Refused(
                    "rejected: " + PublicAddressing.privateMessage(in.body()).orElseThrow());
        var actor = federation.remoteActors().byUri(in.actor());
        var arrived = CheckIns.chatMessage(in.body(), actor);
        boolean taken = db.transaction(c -> {
            boolean stored = federation.checkIns().receive(c, arrived).isPresent();
            if (stored) queue.finish(c, in.id(), InboundQueue.Ending.DONE, null);
            return stored;
        });
        return taken
                ? new Outcome.Applied()
                : new Outcome.Refused("rejected: "
                        + PublicAddressing.privateMessage(in.body()).orElseThrow());
    }

    /** Whether this is an actor deleting itself: object and actor are the same id. */
    private static boolean departure(Activity activity, InboundActivity in) {
        return activity.type() == ActivityType.Delete
                && activity.object().uri() != null
                && activity.object().uri().equals(in.actor().toString());
    }

    /** The row was no longer pending: another process applied or ended it; nothing was changed here. */
    static final class EndedElsewhere extends RuntimeException {
        EndedElsewhere() {
            super("already ended by another process", null, false, false);
        }
    }

    /** Carries a rejection out of the transaction, which it rolls back. */
    private static final class RejectedInTransaction extends RuntimeException {
        final Rejected rejected;

        RejectedInTransaction(Rejected rejected) {
            super(rejected.getMessage(), null, false, false);
            this.rejected = rejected;
        }
    }
}
