package app.kindred.storage;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a signed-in page reads, kept while nothing readable has changed (issue 14: signed-in page
 * speed). A value is read again as soon as {@link ReadableChanges#generation()} moves (any commit of
 * this process, including the reader's own vote, block or filter, and any change another process
 * makes to a table pages read) and never kept past {@link #KEPT_FOR_NANOS}. The caller names each value
 * by a key that holds everything it depends on: the reader's account or actor id for anything of theirs,
 * so one member's state is never answered to another. Values must be immutable (records, copied lists).
 */
public final class KeptReads {
    /** Short: the exact invalidation does the work; this only bounds what it cannot hear (a lost listener). */
    public static final long KEPT_FOR_NANOS = 10_000_000_000L;

    private record Kept(long generation, long until, Object value) {}

    private final ReadableChanges changes;
    private final int most;
    private final ConcurrentHashMap<Object, Kept> kept = new ConcurrentHashMap<>();

    /**
     * {@code changes} null: nothing is kept, every call reads (a process without the listener). {@code most}:
     * values kept at once; past it, all are dropped and read afresh (a bound on memory, not an eviction policy).
     */
    public KeptReads(ReadableChanges changes, int most) {
        this.changes = changes;
        this.most = most;
    }

    /**
     * The value kept under {@code key} while still current, else {@code read}'s answer, kept. What
     * {@code read} throws is not kept. Parts of the key may be null (a reader who is not signed in).
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Supplier<T> read, Object... key) {
        if (changes == null) return read.get();
        // Read before the value: a change committed after this moves the generation, so the value is read again.
        long generation = changes.generation();
        if (!changes.live()) return read.get();
        var name = Arrays.asList(key);
        var found = kept.get(name);
        if (found != null && found.generation() == generation && System.nanoTime() - found.until() < 0)
            return (T) found.value();
        T value = read.get();
        if (kept.size() >= most) kept.clear();
        kept.put(name, new Kept(generation, System.nanoTime() + KEPT_FOR_NANOS, value));
        return value;
    }
}
