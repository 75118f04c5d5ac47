package app.kindred;

import app.kindred.storage.Database;
import java.util.concurrent.CountDownLatch;

/**
 * A community's lock held by a transaction of its own, as a change through the API would hold it, until
 * released: the changes a test starts meanwhile line up behind it (into one community turn).
 */
public final class HeldCommunityLock {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread holder;

    private HeldCommunityLock(Database db, long communityId, CountDownLatch held) {
        holder = Thread.ofVirtual()
                .start(() -> db.transaction(c -> {
                    Database.lockCommunity(c, communityId);
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
    }

    /** Returns once the lock is held. */
    public static HeldCommunityLock hold(Database db, long communityId) throws InterruptedException {
        var held = new CountDownLatch(1);
        var lock = new HeldCommunityLock(db, communityId, held);
        held.await();
        return lock;
    }

    /** Ends the holding transaction; the changes waiting behind it go on. */
    public void release() {
        release.countDown();
    }

    /** Releases and waits until the holding transaction has ended. */
    public void releaseAndWait() throws InterruptedException {
        release();
        holder.join();
    }
}
