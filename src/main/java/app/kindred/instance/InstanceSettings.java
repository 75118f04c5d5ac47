package app.kindred.instance;

import app.kindred.audit.AuditLog;
import app.kindred.config.Config;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.ReadableChanges;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The instance's settings an admin may change at run time (issue 15): its name, description, rules,
 * how people sign up and the question applicants answer. A value set here is kept in the database and
 * overrides config/kindred.toml's, for every process on the database at once; the rest of the
 * configuration is read at start only.
 */
public final class InstanceSettings {
    /** How people get an account. */
    public enum Registrations {
        /** Anyone may sign up. */
        OPEN,
        /** Anyone may apply; an admin approves or refuses. */
        APPLICATION,
        /** Admins make accounts. */
        CLOSED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Registrations parse(String value) {
            for (var r : values()) if (r.wire().equals(value)) return r;
            throw Refusal.invalid("registrations", "choose open, application or closed");
        }
    }

    /** The settings that can be changed here, by their key (also the field's name in forms and the API). */
    public static final List<String> KEYS =
            List.of("name", "description", "rules", "registrations", "application_question");

    public static final int MAX_NAME = 100, MAX_DESCRIPTION = 2_000, MAX_RULES = 10_000, MAX_QUESTION = 500;

    /**
     * The settings in force; {@code fromDatabase} names the keys set here rather than read from the
     * configuration file.
     */
    public record Current(
            String name,
            String description,
            String rules,
            Registrations registrations,
            String applicationQuestion,
            List<String> fromDatabase) {
        public boolean setHere(String key) {
            return fromDatabase.contains(key);
        }
    }

    private final Database db;
    private final Config.Instance config;

    public InstanceSettings(Database db, Config.Instance config) {
        this.db = db;
        this.config = config;
    }

    private record Kept(long generation, Current current) {}

    private volatile ReadableChanges changes;
    private volatile Kept kept;

    /**
     * Every page reads these (the header's name): kept until anything readable changes, which a change
     * here does (instance_setting has the readable-change trigger), in this process or another.
     */
    public void keepWhile(ReadableChanges changes) {
        this.changes = changes;
    }

    public Current current() {
        var signal = changes;
        if (signal == null || !signal.live()) return db.read(InstanceSettings.this::current);
        // Read before the settings: a change committed after this moves it.
        long generation = signal.generation();
        var last = kept;
        if (last != null && last.generation() == generation) return last.current();
        var now = db.read(InstanceSettings.this::current);
        kept = new Kept(generation, now);
        return now;
    }

    private Current current(Connection c) throws SQLException {
        var stored = new LinkedHashMap<String, String>();
        for (var row : Sql.list(
                c, "select key, value from instance_setting", rs -> Map.entry(rs.getString(1), rs.getString(2))))
            stored.put(row.getKey(), row.getValue());
        return new Current(
                stored.getOrDefault("name", config.name()),
                stored.getOrDefault("description", config.description()),
                stored.getOrDefault("rules", config.rules()),
                stored.containsKey("registrations")
                        ? Registrations.parse(stored.get("registrations"))
                        : Registrations.parse(config.registrations()),
                stored.getOrDefault("application_question", config.applicationQuestion()),
                List.copyOf(stored.keySet()));
    }

    /** The name people see in every page's header and in NodeInfo. */
    public String name() {
        return current().name();
    }

    public Registrations registrations() {
        return current().registrations();
    }

    /**
     * Sets the given settings (keys of {@link #KEYS}; the others are left as they are), checked all
     * before any is stored, and records the change in the audit log with the old and new values'
     * keys. A value equal to the configuration file's is still kept here, so the page says where it
     * comes from as the admin chose.
     */
    public Current set(String admin, Map<String, String> changes) {
        var unknown = changes.keySet().stream().filter(k -> !KEYS.contains(k)).toList();
        if (!unknown.isEmpty()) throw Refusal.invalid(unknown.getFirst(), unknown.getFirst() + " cannot be set here");
        var clean = new LinkedHashMap<String, String>();
        for (var e : changes.entrySet())
            clean.put(e.getKey(), e.getValue() == null ? "" : e.getValue().strip());
        check(clean, "name", 1, MAX_NAME, "the name");
        check(clean, "description", 0, MAX_DESCRIPTION, "the description");
        check(clean, "rules", 0, MAX_RULES, "the rules");
        check(clean, "application_question", 0, MAX_QUESTION, "the question");
        if (clean.containsKey("registrations")) Registrations.parse(clean.get("registrations"));
        return db.transaction(c -> {
            var before = current(c);
            var mode = clean.containsKey("registrations")
                    ? Registrations.parse(clean.get("registrations"))
                    : before.registrations();
            var question = clean.getOrDefault("application_question", before.applicationQuestion());
            if (mode == Registrations.APPLICATION && question.isBlank())
                throw Refusal.invalid(
                        "application_question", "sign-up by application needs a question for the applicants");
            var changed = new StringBuilder();
            for (var e : clean.entrySet()) {
                Sql.update(c, """
                        insert into instance_setting (key, value, updated_by) values (?, ?, ?)
                        on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by,
                            updated_at = now()""", e.getKey(), e.getValue(), admin);
                changed.append(changed.isEmpty() ? "" : ",")
                        .append('"')
                        .append(e.getKey())
                        .append('"');
            }
            if (!clean.isEmpty())
                AuditLog.record(c, admin, "instance.settings", "instance", "", "{\"changed\":[" + changed + "]}");
            return current(c);
        });
    }

    /** Forgets a value set here, so the configuration file's applies again. */
    public Current reset(String admin, String key) {
        if (!KEYS.contains(key)) throw Refusal.invalid("key", key + " cannot be set here");
        return db.transaction(c -> {
            if (Sql.update(c, "delete from instance_setting where key = ?", key) > 0)
                AuditLog.record(c, admin, "instance.settings.reset", "instance", "", "{\"key\":\"" + key + "\"}");
            var after = current(c);
            if (after.registrations() == Registrations.APPLICATION
                    && after.applicationQuestion().isBlank())
                throw Refusal.invalid(
                        "application_question", "sign-up by application needs a question for the applicants");
            return after;
        });
    }

    private static void check(Map<String, String> values, String key, int min, int max, String what) {
        var value = values.get(key);
        if (value == null) return;
        int length = value.codePointCount(0, value.length());
        if (length < min) throw Refusal.invalid(key, what + " cannot be empty");
        if (length > max) throw Refusal.invalid(key, what + " is too long: " + max + " characters at most");
        if (value.indexOf('\0') >= 0) throw Refusal.invalid(key, what + " contains a NUL character");
    }
}
