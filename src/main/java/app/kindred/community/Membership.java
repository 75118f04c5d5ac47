package app.kindred.community;

import app.kindred.refusal.Refusal;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Private communities (issue 17): the one rule for who reads and takes part in what a private
 * community keeps for its members, asked by the API, the web pages, the ActivityPub GETs and the
 * inbound handlers alike. A members-only post (written while its community was private, see
 * migration V32) is read by the community's approved followers, its moderators and this instance's
 * admins; another server reads it only by a signed fetch, and only if one of its actors is an
 * approved follower.
 */
public final class Membership {
    public static final int MAX_QUESTIONS = 10, MAX_QUESTION = 300, MAX_ANSWER = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Membership() {}

    /** A community's visibility and the questions it asks those who apply; a community without a row is public. */
    public record Privacy(boolean isPrivate, List<String> applicationQuestions) {
        public static final Privacy PUBLIC = new Privacy(false, List.of());

        public String visibility() {
            return isPrivate ? "private" : "public";
        }
    }

    public static Privacy privacy(Connection c, long communityId) throws SQLException {
        return CommunityTurn.read(
                c,
                communityId,
                "privacy",
                x -> Sql.one(
                                x,
                                "select private, application_questions::text from community_privacy where community_id = ?",
                                rs -> new Privacy(rs.getBoolean(1), questions(rs.getString(2))),
                                communityId)
                        .orElse(Privacy.PUBLIC));
    }

    public static boolean isPrivate(Connection c, long communityId) throws SQLException {
        return privacy(c, communityId).isPrivate();
    }

    /**
     * Stores a community's visibility and questions (null leaves each as it is). Turning private makes
     * every post already there members-only too, so that turning public later exposes nothing written
     * while it was private, nor what was listed publicly before it (see docs/decisions.md).
     */
    public static void save(Connection c, long communityId, Boolean isPrivate, List<String> questions)
            throws SQLException {
        var array = JsonNodeFactory.instance.arrayNode();
        if (questions != null) questions.forEach(array::add);
        Sql.update(
                c,
                """
                insert into community_privacy (community_id, private, application_questions)
                values (?, coalesce(?, false), coalesce(?::jsonb, '[]'::jsonb))
                on conflict (community_id) do update set private = coalesce(?, community_privacy.private),
                    application_questions = coalesce(?::jsonb, community_privacy.application_questions),
                    updated_at = now()""",
                communityId,
                isPrivate,
                questions == null ? null : array.toString(),
                isPrivate,
                questions == null ? null : array.toString());
        if (Boolean.TRUE.equals(isPrivate))
            Sql.update(
                    c, "update post set members_only = true where community_id = ? and not members_only", communityId);
    }

    /** Checks questions a moderator wrote: at most {@link #MAX_QUESTIONS}, none blank or too long. */
    public static List<String> checkQuestions(List<String> questions) {
        if (questions.size() > MAX_QUESTIONS)
            throw Refusal.invalid("application_questions", "ask at most " + MAX_QUESTIONS + " questions");
        var out = new ArrayList<String>();
        for (var q : questions) {
            var text = q == null ? "" : q.strip();
            if (text.isEmpty() || text.length() > MAX_QUESTION)
                throw Refusal.invalid(
                        "application_questions", "each question must be 1 to " + MAX_QUESTION + " characters");
            out.add(text);
        }
        return List.copyOf(out);
    }

    /** Whether the post with this id (its URI) in the community is for its members only. */
    public static boolean membersOnly(Connection c, long communityId, String postUri) throws SQLException {
        return CommunityTurn.read(
                c,
                communityId,
                new MembersOnly(postUri),
                x -> Sql.count(x, "select count(*) from post where uri = ? and members_only", postUri) > 0);
    }

    /** A post was just stored in the community, members-only or not: the community's turn need not read it back. */
    public static void knownMembersOnly(Connection c, long communityId, String postUri, boolean membersOnly) {
        CommunityTurn.know(c, communityId, new MembersOnly(postUri), membersOnly);
    }

    private record MembersOnly(String postUri) {}

    /** Whether this post is for its community's members only. */
    public static boolean membersOnly(Connection c, long postId) throws SQLException {
        return Sql.count(c, "select count(*) from post where id = ? and members_only", postId) > 0;
    }

    /**
     * Whether someone reads what the community keeps for its members: an approved (accepted) follower,
     * one of its moderators, or an admin of this instance. {@code reader} null: a visitor or another server.
     */
    public static boolean isMember(Connection c, Community community, Participant reader) throws SQLException {
        return isMember(
                c, community.id(), community.actor().id(), community.actor().local(), reader);
    }

    /** As {@link #isMember(Connection, Community, Participant)}, for a community known by its id. */
    public static boolean isMember(Connection c, long communityId, Participant reader) throws SQLException {
        if (reader == null) return false;
        var community = Sql.one(
                c,
                "select k.actor_id, a.local from community k join actor a on a.id = k.actor_id where k.id = ?",
                rs -> new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0},
                communityId);
        return community.isPresent()
                && isMember(c, communityId, community.get()[0], community.get()[1] == 1, reader);
    }

    private static boolean isMember(
            Connection c, long communityId, long groupActorId, boolean local, Participant reader) throws SQLException {
        if (reader == null) return false;
        if (reader.admin() || reader.vouchedModerator() && !local) return true;
        return CommunityTurn.read(
                c,
                communityId,
                List.of("member", reader.id()),
                x -> Sql.count(x, """
                select count(*) where exists (select 1 from follow where follower_id = ? and followed_id = ?
                                              and state = 'accepted')
                    or exists (select 1 from community_moderator where community_id = ? and actor_id = ?)
                    or exists (select 1 from account where actor_id = ? and role = 'admin')""", reader.id(), groupActorId, communityId, reader.id(), reader.id()) > 0);
    }

    /**
     * Whether another server may fetch members-only objects of the community: one of its actors is an
     * approved follower (its admins could read them anyway, as Lemmy's RFC 0005 says).
     */
    public static boolean serverIsMember(Connection c, Community community, String authority) throws SQLException {
        if (authority == null) return false;
        return Sql.count(c, """
                select count(*) from follow f join actor a on a.id = f.follower_id
                where f.followed_id = ? and f.state = 'accepted' and not a.local and lower(split_part(a.uri, '/', 3)) = ?""", community.actor().id(), authority.toLowerCase(Locale.ROOT)) > 0;
    }

    /** Who may post, reply or vote in a private community: only its members (refused with a way in). */
    public static void refuseOutsider(Connection c, Community community, Participant who) throws SQLException {
        if (!who.decidedHere(community) || !isPrivate(c, community.id()) || isMember(c, community, who)) return;
        throw new Refusal(
                Refusal.Kind.FORBIDDEN,
                null,
                who.actor().local()
                        ? community.title() + " is a private community: only its approved members take part;"
                                + " apply to join first"
                        : who.actor().uri() + " is not an approved follower of the private community "
                                + community.actor().uri());
    }

    private static List<String> questions(String json) throws SQLException {
        try {
            var out = new ArrayList<String>();
            for (var q : JSON.readTree(json)) out.add(q.asText());
            return List.copyOf(out);
        } catch (IOException e) {
            throw new SQLException("unreadable application_questions", e);
        }
    }
}
