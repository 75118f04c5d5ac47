package app.kindred.federation.inbound;

import app.kindred.community.Community;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What applying an activity changes, run in one transaction with marking it processed and with
 * every activity it must send (transactional outbox). Fetching happens before, outside it.
 */
@FunctionalInterface
public interface Effect {
    Effect NONE = c -> {};

    void apply(Connection c) throws SQLException, Rejected;

    /**
     * The community whose state this changes or whose followers it sends to: its lock is taken before
     * {@link #apply} reads anything ({@code Database.inCommunity}), as the API does for the same acts.
     */
    default OptionalLong community() {
        return OptionalLong.empty();
    }

    /**
     * Whether this change leaves the community's own state as it found it (its row and settings, privacy,
     * bans, blocks, moderators, followers): a new post or comment. Then what the community's turn has read of
     * that state ({@code CommunityTurn}) stays true for the change after it; after any other change it is read
     * again.
     */
    default boolean keepsCommunityState() {
        return false;
    }

    /** This change, applied holding the lock of the community it concerns. */
    static Effect inCommunity(long communityId, Effect work) {
        return new InCommunity(communityId, work, false);
    }

    /**
     * A new post or comment (and the fetched posts above it, its announces and notifications) in the
     * community: as {@link #inCommunity(Optional, Effect)}, and {@link #keepsCommunityState}.
     */
    static Effect posting(Optional<Community> community, Effect work) {
        return community.isPresent() ? new InCommunity(community.get().id(), work, true) : work;
    }

    /** As {@link #inCommunity(long, Effect)}; without a community, the change as it is. */
    static Effect inCommunity(OptionalLong communityId, Effect work) {
        return communityId.isPresent() ? inCommunity(communityId.getAsLong(), work) : work;
    }

    /** As {@link #inCommunity(long, Effect)}, for the community when there is one. */
    static Effect inCommunity(Optional<Community> community, Effect work) {
        return community.isPresent() ? inCommunity(community.get().id(), work) : work;
    }

    record InCommunity(long communityId, Effect work, boolean keepsCommunityState) implements Effect {
        @Override
        public void apply(Connection c) throws SQLException, Rejected {
            work.apply(c);
        }

        @Override
        public OptionalLong community() {
            return OptionalLong.of(communityId);
        }
    }
}
