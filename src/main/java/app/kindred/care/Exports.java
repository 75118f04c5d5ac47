package app.kindred.care;

import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A member's export (issue 18): everything we hold about them as a zip with a readable
 * {@code kindred.json} and an ActivityStreams {@code outbox.json} in the form Mastodon's archive uses.
 * Requested by the member, made by {@link ExportWorker} in the background (the state lives in the
 * database, so a restart resumes it), and downloadable by that member alone until the link expires.
 */
public final class Exports {
    static final int BATCH = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The ActivityStreams object of one of our posts, as we publish it. Federation writes it (a
     * feature never builds wire JSON itself); empty for a post it does not serve.
     */
    @FunctionalInterface
    public interface Documents {
        Optional<JsonNode> object(Connection c, long postId) throws SQLException;
    }

    public enum Status {
        PENDING,
        RUNNING,
        READY,
        FAILED,
        EXPIRED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param token the secret part of the download link while it works; null otherwise */
    public record Export(
            Status status,
            int progress,
            String token,
            Instant requestedAt,
            Instant finishedAt,
            Instant expiresAt,
            String error) {}

    private final Database db;
    private final Clock clock;
    private final SecureRandom random;
    private final Path folder;
    private final Duration linkLife;
    private final Documents documents;
    private volatile Runnable wake = () -> {};

    /** @param folder where finished exports are kept, under the data folder */
    public Exports(Database db, Clock clock, SecureRandom random, Path folder, Duration linkLife, Documents documents) {
        this.db = db;
        this.clock = clock;
        this.random = random;
        this.folder = folder;
        this.linkLife = linkLife;
        this.documents = documents;
    }

    void onRequest(Runnable wake) {
        this.wake = wake;
    }

    /** Asks for a new export; while one is being made, asking again changes nothing. */
    public Export request(Member member) {
        var now = clock.instant();
        var export = db.transaction(c -> {
            var current = current(c, member.id(), now);
            if (current.isPresent()
                    && (current.get().status() == Status.PENDING
                            || current.get().status() == Status.RUNNING)) {
                return current.get();
            }
            var old = Sql.one(
                    c, "select file_name from member_export where account_id = ?", rs -> rs.getString(1), member.id());
            Sql.update(c, """
                    insert into member_export (account_id, status, progress, requested_at) values (?, 'pending', 0, ?)
                    on conflict (account_id) do update set status = 'pending', progress = 0, token = null, file_name = null,
                        error = null, requested_at = excluded.requested_at, finished_at = null, expires_at = null,
                        claimed_at = null""", member.id(), now);
            old.ifPresent(this::deleteFile);
            return current(c, member.id(), now).orElseThrow();
        });
        wake.run();
        return export;
    }

    public Optional<Export> status(Member member) {
        var now = clock.instant();
        return db.read(c -> current(c, member.id(), now));
    }

    /** The finished zip behind a link, for its own member only and only while the link works. */
    public Path download(Member member, String token) {
        var now = clock.instant();
        var file = db.read(c -> Sql.one(c, """
                select file_name from member_export
                where account_id = ? and token = ? and status = 'ready' and expires_at > ?""", rs -> rs.getString(1), member.id(), token, now));
        // Someone else's link, an old link and a wrong one all read the same.
        return file.map(folder::resolve)
                .filter(Files::isRegularFile)
                .orElseThrow(() -> Refusal.notFound("there is no export at this link; it may have expired"));
    }

    /**
     * Makes the oldest waiting export, if any; returns whether there was one. A running export whose
     * worker stopped (a restart) is taken up again after a while.
     */
    boolean makeNext() {
        var now = clock.instant();
        var account = db.transaction(c -> Sql.one(c, """
                update member_export set status = 'running', claimed_at = ?, progress = 0
                where account_id = (select account_id from member_export
                                    where status = 'pending' or (status = 'running' and claimed_at < ?)
                                    order by requested_at limit 1 for update skip locked)
                returning account_id""", rs -> rs.getLong(1), now, now.minus(Duration.ofMinutes(10))));
        if (account.isEmpty()) return false;
        long id = account.get();
        try {
            Files.createDirectories(folder);
            var name = "kindred-export-" + id + "-" + hex(8) + ".zip";
            var partial = folder.resolve(name + ".part");
            try (var zip = new ZipOutputStream(Files.newOutputStream(partial))) {
                zip.putNextEntry(new ZipEntry("kindred.json"));
                writeReadable(zip, id);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("outbox.json"));
                writeOutbox(zip, id);
                zip.closeEntry();
            }
            Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            var done = clock.instant();
            db.transaction(c -> Sql.update(c, """
                    update member_export set status = 'ready', progress = 100, file_name = ?, token = ?, finished_at = ?,
                        expires_at = ? where account_id = ?""", name, hex(24), done, done.plus(linkLife), id));
        } catch (IOException | RuntimeException e) {
            db.transaction(
                    c -> Sql.update(c, """
                    update member_export set status = 'failed', error = ?, finished_at = ? where account_id = ?""", "the export could not be written; ask for a new one", clock.instant(), id));
            if (e instanceof RuntimeException r) throw r;
            throw new UncheckedIOException((IOException) e);
        }
        return true;
    }

    /** Deletes the files of links that stopped working; their rows stay to say so. */
    void clearExpired() {
        var now = clock.instant();
        // RETURNING gives the row as updated, so the old file name is read in the same statement.
        var names = db.transaction(c -> Sql.list(c, """
                with gone as (select account_id, file_name from member_export
                              where status = 'ready' and expires_at <= ? and file_name is not null for update)
                update member_export e set file_name = null, token = null from gone
                where e.account_id = gone.account_id returning gone.file_name""", rs -> rs.getString(1), now));
        names.forEach(this::deleteFile);
    }

    /**
     * Deletes every file made for an account (its member left): the finished zip and any a worker was
     * still writing, which the account's own rows no longer name.
     */
    void forgetFiles(long accountId) {
        var prefix = "kindred-export-" + accountId + "-";
        if (!Files.isDirectory(folder)) return;
        try (var files = Files.list(folder)) {
            files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .forEach(f -> deleteFile(f.getFileName().toString()));
        } catch (IOException e) {
            // Nothing links to them any more; a later deletion sweep of the folder finds them again.
        }
    }

    private void deleteFile(String name) {
        if (name == null) return;
        try {
            Files.deleteIfExists(folder.resolve(name));
        } catch (IOException e) {
            // Left for the next sweep; the link no longer works either way.
        }
    }

    private static Optional<Export> current(Connection c, long account, Instant now) throws SQLException {
        return Sql.one(
                c,
                """
                select status, progress, token, requested_at, finished_at, expires_at, error
                from member_export where account_id = ?""",
                rs -> {
                    var status = Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT));
                    var expires = Sql.instant(rs, "expires_at");
                    boolean expired = status == Status.READY
                            && (expires == null || !expires.isAfter(now) || rs.getString("token") == null);
                    return new Export(
                            expired ? Status.EXPIRED : status,
                            rs.getInt("progress"),
                            expired ? null : rs.getString("token"),
                            Sql.instant(rs, "requested_at"),
                            Sql.instant(rs, "finished_at"),
                            expires,
                            rs.getString("error"));
                },
                account);
    }

    private void progress(long account, int percent) {
        db.transaction(
                c -> Sql.update(c, "update member_export set progress = ? where account_id = ?", percent, account));
    }

    /** kindred.json, written as it is read, so a large account is never held in memory at once. */
    private void writeReadable(OutputStream out, long account) throws IOException {
        var shield = new NonClosing(out);
        try (var g = JSON.getFactory().createGenerator(shield, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", "kindred-export/1");
            g.writeStringField("exported_at", clock.instant().toString());
            db.read(c -> {
                section(c, g, "profile", true, """
                        select acc.username, a.preferred_username || '@' || a.domain as handle, a.uri as actor_id, acc.role,
                               a.name as display_name, acc.created_at
                        from account acc join actor a on a.id = acc.actor_id where acc.id = ?""", account);
                section(c, g, "settings", true, "select content_warnings_open from account where id = ?", account);
                section(c, g, "subscriptions", false, """
                        select a.preferred_username || '@' || a.domain as community, a.uri as community_id, f.state, f.created_at
                        from follow f join account acc on acc.actor_id = f.follower_id join actor a on a.id = f.followed_id
                        where acc.id = ? order by f.created_at""", account);
                return null;
            });
            progress(account, 10);
            g.writeArrayFieldStart("posts");
            long after = 0;
            while (true) {
                long from = after;
                var last = db.read(c -> rows(c, g, """
                        select p.id, p.uri as ap_id, ca.preferred_username || '@' || ca.domain as community,
                               (select uri from post t where t.id = p.thread_id) as thread, (select uri from post q where q.id = p.parent_id) as in_reply_to,
                               p.title, p.source_markdown as markdown, p.content_html as html, p.summary as content_warning,
                               p.sensitive, p.language, p.published, p.updated, p.deleted_at, p.removed_at
                        from post p join account acc on acc.actor_id = p.author_id
                        join community co on co.id = p.community_id join actor ca on ca.id = co.actor_id
                        where acc.id = ? and p.id > ? order by p.id limit ?""", "id", account, from, BATCH));
                if (last == null) break;
                after = last;
            }
            g.writeEndArray();
            progress(account, 50);
            db.read(c -> {
                section(c, g, "votes", false, """
                        select p.uri as post, v.value, v.created_at from vote v join account acc on acc.actor_id = v.actor_id
                        join post p on p.id = v.post_id where acc.id = ? order by v.created_at""", account);
                // Reports the member filed, as they filed them; never reports about them, nor moderators' notes.
                section(c, g, "reports_filed", false, """
                        select f.id, p.uri as post, s.uri as about, f.category, f.rule, f.text, f.created_at, r.status
                        from report_filing f join report r on r.id = f.report_id join account acc on acc.actor_id = f.reporter_id
                        left join post p on p.id = r.post_id left join actor s on s.id = r.subject_id
                        where acc.id = ? and f.local order by f.id""", account);
                section(c, g, "notifications", false, """
                        select n.kind, p.uri as post, n.outcome, n.created_at, n.read_at
                        from notification n left join post p on p.id = n.post_id where n.account_id = ? order by n.id""", account);
                section(c, g, "blocks", false, """
                        select a.preferred_username || '@' || a.domain as handle, a.uri as actor_id, d.created_at
                        from member_distance d join actor a on a.id = d.actor_id where d.account_id = ? and d.kind = 'block'""", account);
                section(c, g, "mutes", false, """
                        select a.preferred_username || '@' || a.domain as handle, a.uri as actor_id, d.created_at
                        from member_distance d join actor a on a.id = d.actor_id where d.account_id = ? and d.kind = 'mute'""", account);
                section(c, g, "hidden_communities", false, """
                        select a.preferred_username || '@' || a.domain as community, a.uri as community_id, h.created_at
                        from hidden_community h join community co on co.id = h.community_id join actor a on a.id = co.actor_id
                        where h.account_id = ?""", account);
                // Wellbeing check-ins (issue 16) the member sent or received, on either side of the conversation.
                section(c, g, "check_ins", false, """
                        select m.uri as id, m.from_moderator, md.preferred_username || '@' || md.domain as moderator,
                               pr.preferred_username || '@' || pr.domain as person, m.content_html as html, m.created_at, m.read_at
                        from outreach_message m join account acc on acc.actor_id in (m.moderator_id, m.person_id)
                        join actor md on md.id = m.moderator_id join actor pr on pr.id = m.person_id
                        where acc.id = ? order by m.id""", account);
                section(c, g, "breaks", false, """
                        select a.preferred_username || '@' || a.domain as community, b.started_at, b.ends_at
                        from member_break b left join community co on co.id = b.community_id left join actor a on a.id = co.actor_id
                        where b.account_id = ?""", account);
                return null;
            });
            g.writeEndObject();
        } catch (WriteFailure e) {
            throw new IOException(e.getCause());
        }
        progress(account, 70);
    }

    /** outbox.json as in a Mastodon archive: an OrderedCollection of Create activities carrying each post. */
    private void writeOutbox(OutputStream out, long account) throws IOException {
        var actor = db.read(c -> Sql.one(
                        c,
                        "select a.uri from account acc join actor a on a.id = acc.actor_id where acc.id = ?",
                        rs -> rs.getString(1),
                        account))
                .orElseThrow();
        long total = db.read(c -> Sql.count(c, """
                select count(*) from post p join account acc on acc.actor_id = p.author_id
                where acc.id = ? and p.deleted_at is null and p.removed_at is null""", account));
        try (var g = JSON.getFactory().createGenerator(new NonClosing(out), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("@context", "https://www.w3.org/ns/activitystreams");
            g.writeStringField("id", "outbox.json");
            g.writeStringField("type", "OrderedCollection");
            g.writeNumberField("totalItems", total);
            g.writeArrayFieldStart("orderedItems");
            long after = 0;
            while (true) {
                long from = after;
                var ids = db.read(c -> Sql.list(c, """
                        select p.id from post p join account acc on acc.actor_id = p.author_id
                        where acc.id = ? and p.deleted_at is null and p.removed_at is null and p.id > ? order by p.id limit ?""", rs -> rs.getLong(1), account, from, BATCH));
                if (ids.isEmpty()) break;
                var objects = db.read(c -> {
                    var list = new ArrayList<JsonNode>();
                    for (long id : ids) documents.object(c, id).ifPresent(list::add);
                    return list;
                });
                for (var object : objects) {
                    var create = JSON.createObjectNode();
                    create.put("id", object.path("id").asText() + "/activity");
                    create.put("type", "Create");
                    create.put("actor", actor);
                    if (object.has("published")) create.set("published", object.get("published"));
                    if (object.has("to")) create.set("to", object.get("to"));
                    if (object.has("cc")) create.set("cc", object.get("cc"));
                    create.set("object", object);
                    JSON.writeTree(g, create);
                }
                after = ids.getLast();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        progress(account, 95);
    }

    /** One named section: an object (one row) or an array of rows, columns by their names. */
    private static void section(
            Connection c, JsonGenerator g, String name, boolean single, String sql, Object... params)
            throws SQLException {
        try {
            if (single) {
                g.writeFieldName(name);
                var found = Sql.one(
                        c,
                        sql,
                        rs -> {
                            writeRow(g, rs);
                            return true;
                        },
                        params);
                if (found.isEmpty()) g.writeNull();
            } else {
                g.writeArrayFieldStart(name);
                Sql.list(
                        c,
                        sql,
                        rs -> {
                            writeRow(g, rs);
                            return true;
                        },
                        params);
                g.writeEndArray();
            }
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    /** Writes rows into the open array; returns the last value of {@code key}, or null when there were none. */
    private static Long rows(Connection c, JsonGenerator g, String sql, String key, Object... params)
            throws SQLException {
        var keys = Sql.list(
                c,
                sql,
                rs -> {
                    writeRow(g, rs);
                    return rs.getLong(key);
                },
                params);
        return keys.isEmpty() ? null : keys.getLast();
    }

    private static void writeRow(JsonGenerator g, ResultSet rs) throws SQLException {
        try {
            var meta = rs.getMetaData();
            g.writeStartObject();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                var column = meta.getColumnLabel(i);
                var value = rs.getObject(i);
                switch (value) {
                    case null -> g.writeNullField(column);
                    case Timestamp t -> g.writeStringField(column, t.toInstant().toString());
                    case Boolean b -> g.writeBooleanField(column, b);
                    case Number n -> g.writeNumberField(column, n.longValue());
                    default -> g.writeStringField(column, value.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    private String hex(int bytes) {
        var b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Carries a write failure out of a row mapper, which may only throw SQLException. */
    private static final class WriteFailure extends RuntimeException {
        WriteFailure(IOException cause) {
            super(cause);
        }
    }

    /** The zip entry stays open when the JSON generator closes its stream. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
