package app.kindred.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * What a community's turn has read of that community's own state (its row, privacy, care settings,
 * bans, blocks, moderators, whether a post of it is for members only), kept for the changes after it
 * in the same turn. A busy community's received posts are applied one after another holding its lock
 * (the inbound side's {@code CommunityBatches}), and each asked the same handful of questions of the
 * database, each a round trip, most of the turn's time: the answers cannot change while the lock is
 * held except by a change of the turn itself, so the turn reads each once.
 *
 * <p>The rules stay where they are (each rule one method, asked by both doors); only the reads they make
 * of the community's state pass through {@link #read}, which answers from the open turn when the
 * question is about the turn's community on the turn's connection, and asks the database otherwise (the
 * API's door, other communities, any connection with no turn open). The turn forgets everything
 * ({@link #forget}) after any change that may write the community's state (anything but a new post),
 * and whenever a change fails.
 */
public final class CommunityTurn implements AutoCloseable {
    private static final ThreadLocal<CommunityTurn> OPEN = new ThreadLocal<>();

    private final Connection connection;
    private final long communityId;
    private final Map<Object, Object> answers = new HashMap<>();
    // Work saved up from the turn's posts and done once for them (their announces in one statement).
    private final Map<Object, Deferred> deferred = new LinkedHashMap<>();
    private boolean defers, flushing;
    private long reads, kept;

    private CommunityTurn(Connection connection, long communityId) {
        this.connection = connection;
        this.communityId = communityId;
    }

    /**
     * Opens a turn on this thread for the community whose lock {@code c}'s transaction holds; closed
     * (and forgotten) with the transaction.
     */
    public static CommunityTurn open(Connection c, long communityId) {
        var turn = new CommunityTurn(c, communityId);
        OPEN.set(turn);
        return turn;
    }

    /**
     * Work the turn saves up from several changes and does once, in one round trip, before anything else is
     * written after them: a turn's new posts are inserted in one statement, then their announces queued in one.
     */
    public interface Deferred {
        void flush(Connection c) throws SQLException;
    }

    /**
     * Whether the change about to run may save work up ({@link #deferred}): only a change that cannot fail
     * without undoing the whole turn's transaction (run without a savepoint) and that sends nothing but what
     * it saves up (a new post).
     */
    public void defers(boolean defers) {
        this.defers = defers;
    }

    /**
     * Does the work saved up so far, in the order it was saved: before a change that may write or send
     * otherwise, so that what it sends comes after, and at the end of the turn, before the commit.
     */
    public void flush() throws SQLException {
        if (flushing) return;
        flushing = true;
        boolean deferring = defers;
        // What one kind of work does when it is done may save up work of another kind (a turn's posts, once
        // inserted, queue their announces): that is done after it, in the same flush.
        defers = true;
        try {
            while (!deferred.isEmpty()) {
                var first = deferred.entrySet().iterator().next();
                deferred.remove(first.getKey());
                first.getValue().flush(connection);
            }
        } finally {
            defers = deferring;
            flushing = false;
        }
    }

    /**
     * The work of kind {@code key} that the turn open on {@code c} (of any community) has saved up and not
     * yet done: a read that its result would change asks the turn to do it first ({@link #settle}).
     */
    @SuppressWarnings("unchecked")
    public static <D extends Deferred> Optional<D> pending(Connection c, Class<D> key) {
        var turn = OPEN.get();
        if (turn == null || turn.connection != c || turn.flushing) return Optional.empty();
        return Optional.ofNullable((D) turn.deferred.get(key));
    }

    /** Does what the turn open on {@code c} has saved up, before a read that must see it; none open, nothing. */
    public static void settle(Connection c) throws SQLException {
        var turn = OPEN.get();
        if (turn != null && turn.connection == c) turn.flush();
    }

    /**
     * The work of kind {@code key} the open turn of the community saves up, started by {@code start}; none
     * when no turn is open or the change running may not save work up (then the caller does its work now).
     */
    @SuppressWarnings("unchecked")
    public static <D extends Deferred> Optional<D> deferred(
            Connection c, long communityId, Object key, Supplier<D> start) {
        var turn = current(c, communityId);
        if (turn == null || !turn.defers) return Optional.empty();
        return Optional.of((D) turn.deferred.computeIfAbsent(key, k -> start.get()));
    }

    /** A change may have written the community's state, or failed: what the turn read is read again. */
    public void forget() {
        answers.clear();
    }

    /** Questions asked through {@link #read} in this turn, and how many of them the turn answered itself. */
    public long reads() {
        return reads;
    }

    public long kept() {
        return kept;
    }

    @Override
    public void close() {
        if (OPEN.get() == this) OPEN.remove();
    }

    /** Whether a turn of this community is open on this connection (then whole sets are worth reading). */
    public static boolean isOpen(Connection c, long communityId) {
        return current(c, communityId) != null;
    }

    /**
     * The answer to {@code question} about the community {@code communityId}: as read before in the open
     * turn of that community, else read by {@code load} (and kept when a turn of it is open).
     */
    @SuppressWarnings("unchecked")
    public static <T> T read(Connection c, long communityId, Object question, SqlWork<T> load) throws SQLException {
        var turn = current(c, communityId);
        if (turn == null) return load.run(c);
        turn.reads++;
        var key = new Question(communityId, question);
        if (turn.answers.containsKey(key)) {
            turn.kept++;
            return (T) turn.answers.get(key);
        }
        T answer = load.run(c);
        turn.answers.put(key, answer);
        return answer;
    }

    /**
     * As {@link #read}, for a question whose community is known only from its answer (a community found by
     * its actor's URI): kept only when {@code communityOf} says the answer is about the turn's community.
     */
    @SuppressWarnings("unchecked")
    public static <T> T find(Connection c, Object question, SqlWork<T> load, ToLongFunction<T> communityOf)
            throws SQLException {
        var turn = OPEN.get();
        if (turn == null || turn.connection != c) return load.run(c);
        turn.reads++;
        var key = new Question(-1, question);
        if (turn.answers.containsKey(key)) {
            turn.kept++;
            return (T) turn.answers.get(key);
        }
        T answer = load.run(c);
        if (communityOf.applyAsLong(answer) == turn.communityId) turn.answers.put(key, answer);
        return answer;
    }

    /**
     * Tells the open turn of the community an answer it has just written itself (a post inserted with its
     * members-only flag), so that a rule asked next need not read it back.
     */
    public static void know(Connection c, long communityId, Object question, Object answer) {
        var turn = current(c, communityId);
        if (turn != null) turn.answers.put(new Question(communityId, question), answer);
    }

    private static CommunityTurn current(Connection c, long communityId) {
        var turn = OPEN.get();
        return turn != null && turn.connection == c && turn.communityId == communityId ? turn : null;
    }

    private record Question(long communityId, Object question) {}
}
