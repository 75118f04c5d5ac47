package app.kindred.outreach;

import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Check-in messages and templates as stored. */
public final class OutreachStore {
    /** A message as stored, with the pair it belongs to. */
    public record Stored(
            long id,
            URI uri,
            long moderatorId,
            long personId,
            boolean fromModerator,
            Long communityId,
            Long reportId) {}

    public record NewMessage(
            URI uri,
            long moderatorId,
            long personId,
            boolean fromModerator,
            Long communityId,
            Long reportId,
            String contentHtml,
            URI inReplyTo) {}

    public record Template(long id, long communityId, String title, String body) {}

    /** Stores a message once; a repeated delivery of the same one answers the stored id. */
    public long insert(Connection c, NewMessage m) throws SQLException {
        var id = Sql.one(
                c,
                """
                insert into outreach_message (uri, moderator_id, person_id, from_moderator, community_id, report_id,
                                              content_html, in_reply_to)
                values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (uri) do nothing returning id""",
                rs -> rs.getLong(1),
                m.uri().toString(),
                m.moderatorId(),
                m.personId(),
                m.fromModerator(),
                m.communityId(),
                m.reportId(),
                m.contentHtml(),
                m.inReplyTo() == null ? null : m.inReplyTo().toString());
        if (id.isPresent()) return id.get();
        return byUri(c, m.uri()).orElseThrow().id();
    }

    public Optional<Stored> byUri(Connection c, URI uri) throws SQLException {
        return Sql.one(c, SELECT + " where uri = ?", OutreachStore::stored, uri.toString());
    }

    public Optional<Stored> byId(Connection c, long id) throws SQLException {
        return Sql.one(c, SELECT + " where id = ?", OutreachStore::stored, id);
    }

    /** Every message between this moderator and this person, oldest first, as {@code viewer} reads them. */
    public List<Message> conversation(Connection c, long moderatorId, long personId, long viewerActorId)
            throws SQLException {
        return Sql.list(c, """
                select m.id, m.uri, ma.uri as mod_uri, coalesce(ma.name, ma.preferred_username) as mod_name,
                       pa.uri as person_uri, coalesce(pa.name, pa.preferred_username) as person_name,
                       m.from_moderator, m.content_html, m.created_at, m.read_at is not null as read,
                       case when m.from_moderator then m.moderator_id else m.person_id end = ? as mine
                from outreach_message m join actor ma on ma.id = m.moderator_id join actor pa on pa.id = m.person_id
                where m.moderator_id = ? and m.person_id = ? order by m.id""", OutreachStore::message, viewerActorId, moderatorId, personId);
    }

    /** The newest message of each conversation this actor is part of, newest first. */
    public List<Message> latest(Connection c, long actorId) throws SQLException {
        return Sql.list(c, """
                select distinct on (m.moderator_id, m.person_id)
                       m.id, m.uri, ma.uri as mod_uri, coalesce(ma.name, ma.preferred_username) as mod_name,
                       pa.uri as person_uri, coalesce(pa.name, pa.preferred_username) as person_name,
                       m.from_moderator, m.content_html, m.created_at, m.read_at is not null as read,
                       case when m.from_moderator then m.moderator_id else m.person_id end = ? as mine
                from outreach_message m join actor ma on ma.id = m.moderator_id join actor pa on pa.id = m.person_id
                where m.moderator_id = ? or m.person_id = ?
                order by m.moderator_id, m.person_id, m.id desc""", OutreachStore::message, actorId, actorId, actorId).stream()
                .sorted((a, b) -> Long.compare(b.id(), a.id()))
                .toList();
    }

    /** Marks read what the other side wrote to this actor in the conversation. */
    public void markRead(Connection c, long moderatorId, long personId, long readerActorId) throws SQLException {
        Sql.update(c, """
                update outreach_message set read_at = now()
                where moderator_id = ? and person_id = ? and read_at is null
                  and (case when from_moderator then moderator_id else person_id end) <> ?""", moderatorId, personId, readerActorId);
    }

    public List<Template> templates(Connection c, long communityId) throws SQLException {
        return Sql.list(
                c,
                "select id, community_id, title, body from outreach_template where community_id = ? order by id",
                rs -> new Template(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)),
                communityId);
    }

    public Template addTemplate(Connection c, long communityId, String title, String body) throws SQLException {
        long id = Sql.insert(
                c,
                "insert into outreach_template (community_id, title, body) values (?, ?, ?) returning id",
                communityId,
                title,
                body);
        return new Template(id, communityId, title, body);
    }

    public boolean removeTemplate(Connection c, long communityId, long id) throws SQLException {
        return Sql.update(c, "delete from outreach_template where id = ? and community_id = ?", id, communityId) > 0;
    }

    private static final String SELECT =
            "select id, uri, moderator_id, person_id, from_moderator, community_id, report_id from outreach_message";

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(
                rs.getLong(1),
                URI.create(rs.getString(2)),
                rs.getLong(3),
                rs.getLong(4),
                rs.getBoolean(5),
                (Long) rs.getObject(6),
                (Long) rs.getObject(7));
    }

    private static Message message(ResultSet rs) throws SQLException {
        return new Message(
                rs.getLong("id"),
                URI.create(rs.getString("uri")),
                URI.create(rs.getString("mod_uri")),
                rs.getString("mod_name"),
                URI.create(rs.getString("person_uri")),
                rs.getString("person_name"),
                rs.getBoolean("from_moderator"),
                rs.getBoolean("mine"),
                rs.getString("content_html"),
                Sql.instant(rs, "created_at"),
                rs.getBoolean("read"));
    }
}
