package app.kindred.bench;

import app.kindred.TestPostgres;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the test PostgreSQL did during one benchmark round, to explain a slow round rather than guess:
 * CPU by kind of process (backends, autovacuum workers, checkpointer, ...), autovacuum and analyze runs
 * and checkpoints counted by its statistics views, and what its busy sessions were doing, sampled every
 * 50 ms from {@code pg_stat_activity}. Started before a round and closed after it.
 */
final class PgRound implements AutoCloseable {
    private static final String TABLES = "('delivery', 'delivery_fanout', 'outbound_activity', 'host_health')";

    private final Database db;
    // Per process: its kind, and its CPU ticks when first and last seen (0 when it started in the round),
    // read every 50 ms, so a short-lived autovacuum worker is counted too.
    private final Map<Long, String> kinds = new ConcurrentHashMap<>();
    private final Map<Long, long[]> ticks = new ConcurrentHashMap<>();
    private final Map<String, Long> countersBefore;
    private final Map<String, LongAdder> samples = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean sampling = true;

    PgRound(Database db) {
        this.db = db;
        readTicks(true);
        this.countersBefore = counters(db);
        this.sampler = Thread.ofPlatform().daemon().name("pg-round-sampler").start(this::sample);
    }

    /** One line: CPU by process kind, counters that moved, and the sampled activity, most frequent first. */
    String summary() {
        readTicks(false);
        var cpu = new TreeMap<String, Long>();
        ticks.forEach((pid, t) -> cpu.merge(kinds.get(pid), (t[1] - t[0]) * 10, Long::sum)); // USER_HZ 100
        var cpuText = cpu.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue() + " ms")
                .collect(Collectors.joining(", "));
        var counters = counters(db);
        var moved = counters.entrySet().stream()
                .filter(e -> e.getValue() - countersBefore.getOrDefault(e.getKey(), 0L) != 0)
                .map(e -> e.getKey() + " +" + (e.getValue() - countersBefore.getOrDefault(e.getKey(), 0L)))
                .collect(Collectors.joining(", "));
        var seen = samples.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .limit(6)
                .map(e -> e.getKey() + " " + e.getValue().sum())
                .collect(Collectors.joining(", "));
        return "PostgreSQL CPU: " + cpuText + "; counters: " + (moved.isEmpty() ? "none moved" : moved)
                + "; busy sessions sampled: " + (seen.isEmpty() ? "none" : seen);
    }

    @Override
    public void close() throws InterruptedException {
        sampling = false;
        sampler.join();
    }

    private void sample() {
        while (sampling) {
            try {
                for (var what : db.read(c -> Sql.list(c, """
                        select case when backend_type <> 'client backend' then left(coalesce(query, ''), 40)
                                    || ' (' || backend_type || ')'
                               else coalesce(wait_event_type || ':' || wait_event, 'on CPU') || ' '
                                    || left(regexp_replace(query, '\\s+', ' ', 'g'), 30) end
                        from pg_stat_activity
                        where pid <> pg_backend_pid() and state is distinct from 'idle'
                          and backend_type in ('client backend', 'autovacuum worker')""", rs -> rs.getString(1)))) {
                    samples.computeIfAbsent(what, k -> new LongAdder()).increment();
                }
                readTicks(false);
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the round goes on; a missed sample is only a missed sample
            }
        }
    }

    /** Autovacuum and analyze runs of the delivery tables, checkpoints, and dead rows of the delivery table. */
    private static Map<String, Long> counters(Database db) {
        var counters = new TreeMap<String, Long>();
        db.read(c -> {
            for (var row : Sql.list(
                    c,
                    "select relname, autovacuum_count, autoanalyze_count from pg_stat_user_tables where relname in "
                            + TABLES,
                    rs -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3)})) {
                counters.put("autovacuum " + row[0], (Long) row[1]);
                counters.put("autoanalyze " + row[0], (Long) row[2]);
            }
            counters.put("checkpoints", Sql.count(c, "select num_timed + num_requested from pg_stat_checkpointer"));
            return null;
        });
        return counters;
    }

    /** Reads the CPU ticks of the test PostgreSQL's processes from /proc; {@code first}: the round's start. */
    private void readTicks(boolean first) {
        var port = "-p " + TestPostgres.server().getPort() + " ";
        for (var postmaster : ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(port))
                .toList()) {
            for (var p : Stream.concat(Stream.of(postmaster), postmaster.descendants())
                    .toList()) {
                try {
                    var stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long t = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    kinds.computeIfAbsent(p.pid(), pid -> {
                        try {
                            return kind(pid);
                        } catch (IOException e) {
                            return "gone";
                        }
                    });
                    ticks.compute(
                            p.pid(),
                            (pid, seen) -> seen == null
                                    ? new long[] {first ? t : 0, t}
                                    : new long[] {seen[0], Math.max(seen[1], t)});
                } catch (IOException | RuntimeException gone) {
                    // the process exited between listing and reading
                }
            }
        }
    }

    /** "postgres: checkpointer", "postgres: autovacuum worker", "postgres: user db 127.0.0.1(…) idle": the kind. */
    private static String kind(long pid) throws IOException {
        var title = Files.readString(Path.of("/proc/" + pid + "/cmdline"))
                .replace('\0', ' ')
                .trim();
        if (!title.startsWith("postgres: ")) return "postmaster";
        var rest = title.substring("postgres: ".length());
        for (var background : new String[] {
            "checkpointer",
            "background writer",
            "walwriter",
            "autovacuum launcher",
            "autovacuum worker",
            "logical replication launcher",
            "io worker"
        }) {
            if (rest.startsWith(background)) return background;
        }
        return "backends";
    }
}
