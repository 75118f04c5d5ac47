package app.kindred.federation.inbound;

import app.kindred.activitypub.ActivityType;
import app.kindred.report.ReportIntake;
import app.kindred.report.ReportStore;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Which handler takes which activity type: one table, read in one place. */
public final class HandlerTable {
    private final Map<ActivityType, ActivityHandler> handlers = new EnumMap<>(ActivityType.class);

    public HandlerTable(FederationContext f) {
        var create = new CreateHandler(f);
        var moderation = new ModerationHandler(f);
        handlers.put(ActivityType.Follow, new FollowHandler(f));
        handlers.put(ActivityType.Accept, new AcceptHandler(f, true));
        handlers.put(ActivityType.Reject, new AcceptHandler(f, false));
        handlers.put(ActivityType.Undo, new UndoHandler(f, moderation));
        handlers.put(ActivityType.Lock, moderation);
        handlers.put(ActivityType.Block, moderation);
        handlers.put(ActivityType.Add, moderation);
        handlers.put(ActivityType.Remove, moderation);
        handlers.put(ActivityType.Create, create);
        handlers.put(ActivityType.Update, new UpdateHandler(f, create, moderation));
        handlers.put(ActivityType.Delete, new DeleteHandler(f, moderation));
        handlers.put(ActivityType.Like, new VoteHandler(f));
        handlers.put(ActivityType.Dislike, new VoteHandler(f));
        handlers.put(ActivityType.Announce, new AnnounceHandler(f, this));
        var reports = new ReportIntake(new ReportStore(), f.posts(), f.communities(), f.actors(),
                new app.kindred.federation.ReportPublisher(f.outbox()));
        handlers.put(ActivityType.Flag, new FlagHandler(f, reports));
        handlers.put(ActivityType.Resolve, new ResolveHandler(f, reports));
    }

    public Optional<ActivityHandler> handlerFor(ActivityType type) {
        return Optional.ofNullable(handlers.get(type));
    }
}
