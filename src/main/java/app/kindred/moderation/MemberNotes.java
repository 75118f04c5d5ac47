package app.kindred.moderation;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Participant;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Private notes a community's moderators keep about a member (issue 15), so a tired volunteer
 * knows what the others already tried. Read and written by that community's moderators and this
 * instance's admins only; never federated, never shown to the member or to other communities.
 */
public final class MemberNotes {
    public static final int MAX_TEXT = 2_000;

    /** One note; {@code author} the writing moderator's handle (name@domain), null once they are gone. */
    public record Note(long id, long communityId, URI subject, String author, String text, Instant at) {}

    private final Database db;
    private final ActorStore actors;
    private final CommunityStore communities;
    private final Moderating moderating;

    MemberNotes(Database db, ActorStore actors, CommunityStore communities, Moderating moderating) {
        this.db = db;
        this.actors = actors;
        this.communities = communities;
        this.moderating = moderating;
    }

    /** The community's notes about one member, oldest first. */
    public List<Note> about(Member viewer, long communityId, String who) {
        return db.read(c -> {
            var community = authorised(c, viewer, communityId);
            return list(c, community.id(), subject(c, who).id());
        });
    }

    /** A note with the name of the community whose moderators wrote it (name@host for a remote one). */
    public record CommunityNote(Note note, String community) {}

    /**
     * Every community's notes about one member, oldest first (issue 15): what an admin deciding about the
     * member's account should know. Admins only: a community's moderators read their own community's.
     */
    public List<CommunityNote> everywhere(Member admin, long subjectActorId) {
        if (admin.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
        return db.read(c -> Sql.list(c, """
                select n.id, n.community_id, s.uri, a.preferred_username || '@' || a.domain, n.text, n.created_at,
                       ca.preferred_username || case when ca.local then '' else '@' || ca.domain end
                from member_note n join actor s on s.id = n.subject_id left join actor a on a.id = n.author_id
                join community k on k.id = n.community_id join actor ca on ca.id = k.actor_id
                where n.subject_id = ? order by n.created_at, n.id""", rs -> new CommunityNote(note(rs), rs.getString(7)), subjectActorId));
    }

    /** Notes about a member already known by id, for pages that hold the report's subject. */
    public List<Note> about(Member viewer, long communityId, URI subject) {
        return about(viewer, communityId, subject.toString());
    }

    public Note add(Member by, long communityId, String who, String text) {
        var clean = text == null ? "" : text.strip();
        if (clean.isEmpty()) throw Refusal.invalid("text", "write the note first");
        if (clean.length() > MAX_TEXT) throw Refusal.invalid("text", "a note is at most " + MAX_TEXT + " characters");
        return db.transaction(c -> {
            var community = authorised(c, by, communityId);
            var subject = subject(c, who);
            long id = Sql.insert(
                    c,
                    "insert into member_note (community_id, subject_id, author_id, text) values (?, ?, ?, ?) returning id",
                    community.id(),
                    subject.id(),
                    by.actor().id(),
                    clean);
            return list(c, community.id(), subject.id()).stream()
                    .filter(n -> n.id() == id)
                    .findFirst()
                    .orElseThrow();
        });
    }

    /** Any of the community's moderators may take a note away (one written in haste, or about the wrong person). */
    public void delete(Member by, long communityId, long noteId) {
        db.transaction(c -> {
            var community = authorised(c, by, communityId);
            if (Sql.update(c, "delete from member_note where id = ? and community_id = ?", noteId, community.id()) == 0)
                throw Refusal.notFound("there is no note " + noteId + " in this community");
            return null;
        });
    }

    private static List<Note> list(Connection c, long communityId, long subjectId) throws SQLException {
        return Sql.list(c, """
                select n.id, n.community_id, s.uri, a.preferred_username || '@' || a.domain, n.text, n.created_at
                from member_note n join actor s on s.id = n.subject_id left join actor a on a.id = n.author_id
                where n.community_id = ? and n.subject_id = ? order by n.created_at, n.id""", MemberNotes::note, communityId, subjectId);
    }

    private static Note note(ResultSet rs) throws SQLException {
        return new Note(
                rs.getLong(1),
                rs.getLong(2),
                URI.create(rs.getString(3)),
                rs.getString(4),
                rs.getString(5),
                Sql.instant(rs, "created_at"));
    }

    /** The community's moderators, and our admins whichever community it is: a note is about keeping people safe here. */
    private Community authorised(Connection c, Member member, long communityId) throws SQLException {
        var community = communities
                .findById(c, communityId)
                .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
        if (member.role() != Role.ADMIN) moderating.authorise(c, community, Participant.member(member));
        return community;
    }

    /** A member already known here: a local username, a handle (name@host) or an actor's URL. Never fetched. */
    private Actor subject(Connection c, String who) throws SQLException {
        var text = who == null ? "" : who.strip();
        if (text.startsWith("@")) text = text.substring(1);
        if (text.isEmpty()) throw Refusal.invalid("actor", "name the member: a username, name@example.org, or a URL");
        var name = text;
        Optional<Actor> found;
        if (text.startsWith("https://") || text.startsWith("http://")) {
            try {
                found = actors.findByUri(c, URI.create(text));
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("actor", text + " is not a URL");
            }
        } else if (text.contains("@")) {
            int at = text.lastIndexOf('@');
            found = Sql.one(
                    c,
                    "select " + ActorStore.columns("a") + " from actor a where lower(a.preferred_username) = lower(?)"
                            + " and lower(a.domain) = lower(?) and a.type = 'Person' order by a.id limit 1",
                    ActorStore::map,
                    text.substring(0, at),
                    text.substring(at + 1));
        } else {
            found = actors.findLocal(c, text);
        }
        return found.orElseThrow(
                () -> new Refusal(Refusal.Kind.NOT_FOUND, "actor", "nobody called " + name + " is known here"));
    }
}
