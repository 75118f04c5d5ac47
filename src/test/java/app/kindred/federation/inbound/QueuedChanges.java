package app.kindred.federation.inbound;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.kindred.storage.SqlWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Changes to one community handed to {@link CommunityBatches}, each from a worker of its own as the inbound
 * processor's would be; a test holds the community's lock first so that they line up into one turn.
 */
final class QueuedChanges {
    private final CommunityBatches batches;
    private final long communityId;
    private final List<Thread> threads = new ArrayList<>();

    QueuedChanges(CommunityBatches batches, long communityId) {
        this.batches = batches;
        this.communityId = communityId;
    }

    /** Applies the change on a worker of its own; the future says how it went. */
    CompletableFuture<Void> start(SqlWork<Void> work, boolean keepsCommunityState) {
        var done = new CompletableFuture<Void>();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                batches.apply(communityId, CommunityBatches.NO_ROW, work, keepsCommunityState);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }));
        return done;
    }

    /** Starts the change and waits until it queues behind the batch being applied, {@code waitingAfter} in all. */
    CompletableFuture<Void> queue(SqlWork<Void> work, boolean keepsCommunityState, int waitingAfter) throws Exception {
        var result = start(work, keepsCommunityState);
        eventually(Duration.ofSeconds(5), () -> assertEquals(waitingAfter, batches.waiting(communityId)));
        return result;
    }

    /** Waits for the workers to end. */
    void join() throws InterruptedException {
        for (var t : threads) t.join(10_000);
    }
}
