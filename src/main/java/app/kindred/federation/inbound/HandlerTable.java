package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.federation.ReportPublisher;
import app.kindred.report.ReportIntake;
import app.kindred.report.ReportStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which handler takes which activity: one table keyed on the activity's type and, where that
 * decides, its object's (the undone activity's type for Undo; Group, another actor or a post for
 * Update). A row for (type, {@link #ANY}) takes what no more precise row names.
 */
public final class HandlerTable {
    /** The object type of a row that takes any object. */
    static final String ANY = "*";
    /** The object type of every actor but a Group: a profile updating itself. */
    static final String ACTOR = "Actor";

    static final String GROUP = "Group";

    private record Key(ActivityType type, String objectType) {}

    private final Map<Key, ActivityHandler> handlers = new HashMap<>();

    private final FederationContext f;

    public HandlerTable(FederationContext f) {
        this.f = f;
        var create = new CreateHandler(f);
        var moderation = new ModerationHandler(f);
        var update = new UpdateHandler(f, create, moderation);
        var reports = new ReportIntake(
                new ReportStore(), f.posts(), f.communities(), f.actors(), new ReportPublisher(f.outbox()));
        var votes = new VoteHandler(f);
        put(ActivityType.Follow, ANY, new FollowHandler(f));
        put(ActivityType.Accept, ANY, new AcceptHandler(f, true));
        put(ActivityType.Reject, ANY, new AcceptHandler(f, false));
        put(ActivityType.Create, ANY, create);
        put(ActivityType.Update, ANY, update::post);
        put(ActivityType.Update, GROUP, update::group);
        put(ActivityType.Update, ACTOR, update::actor);
        put(ActivityType.Delete, ANY, new DeleteHandler(f, moderation));
        put(ActivityType.Like, ANY, votes);
        put(ActivityType.Dislike, ANY, votes);
        put(ActivityType.Lock, ANY, moderation);
        put(ActivityType.Block, ANY, moderation);
        put(ActivityType.Add, ANY, moderation);
        put(ActivityType.Remove, ANY, moderation);
        // Undo of a follow or a vote (also named by id alone), or of a moderator's act.
        put(ActivityType.Undo, ANY, new UndoHandler(f));
        put(ActivityType.Undo, ActivityType.Delete.name(), moderation::undo);
        put(ActivityType.Undo, ActivityType.Lock.name(), moderation::undo);
        put(ActivityType.Undo, ActivityType.Block.name(), moderation::undo);
        put(ActivityType.Announce, ANY, new AnnounceHandler(f, this));
        put(ActivityType.Flag, ANY, new FlagHandler(f, reports));
        put(ActivityType.Resolve, ANY, new ResolveHandler(f, reports));
    }

    private void put(ActivityType type, String objectType, ActivityHandler handler) {
        handlers.put(new Key(type, objectType), handler);
    }

    /** The handler for this activity: its (type, object type) row, else its type's row for any object. */
    public Optional<ActivityHandler> handlerFor(Incoming in) {
        var exact = handlers.get(new Key(in.type(), objectType(in)));
        return (exact != null ? Optional.of(exact) : handlerFor(in.type())).map(h -> unlessSuspended(in, h));
    }

    /**
     * An actor suspended here (issue 15: by its own server's word, toot:suspended, or by us) has
     * nothing new taken from it, whether it sends the activity or a community passes it on; its own
     * Update (which may lift the suspension) and its Delete still are.
     */
    private ActivityHandler unlessSuspended(Incoming in, ActivityHandler handler) {
        return (incoming, actor, viaGroup) -> {
            boolean selfUpdate = in.type() == ActivityType.Update
                    && actor.uri().toString().equals(in.activity().object().uri());
            if (!selfUpdate
                    && in.type() != ActivityType.Delete
                    && !actor.local()
                    && f.db().read(c -> ActorStore.suspended(c, actor.id())))
                throw new Rejected(actor.uri() + " is suspended");
            return handler.handle(incoming, actor, viaGroup);
        };
    }

    /** The row for any object of this type. */
    Optional<ActivityHandler> handlerFor(ActivityType type) {
        return Optional.ofNullable(handlers.get(new Key(type, ANY)));
    }

    /** An embedded activity's type, Group or another actor's, else any. */
    private static String objectType(Incoming in) {
        if (in.activity().object().document() instanceof Activity inner)
            return inner.type().name();
        var actorType = ActorType.fromWire(in.objectJson().path("type").asText());
        if (actorType.isEmpty()) return ANY;
        return actorType.get() == ActorType.GROUP ? GROUP : ACTOR;
    }
}
