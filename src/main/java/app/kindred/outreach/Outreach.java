package app.kindred.outreach;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.content.Markdown;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.notification.Notifications;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Anonymity;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Wellbeing outreach (issue 16): moderators on duty, the community's check-in templates, and the one
 * private conversation Kindred has, between a moderator and a person someone is worried about. Only
 * a moderator starts one, from a wellbeing concern, and only by writing it themselves (a template is
 * a starting point, edited before sending): nothing is ever sent to the person automatically. The
 * person can answer; their answer lands with that moderator. It is not open to members in general.
 */
public final class Outreach {
    public static final int MAX_TEXT = 2_000, MAX_TITLE = 100, MAX_TEMPLATES = 20;

    private final Database db;
    private final OutreachStore store;
    private final ActorStore actors;
    private final CommunityStore communities;
    private final Anonymity anonymity;
    private final OutreachEvents events;
    private final Markdown markdown = new Markdown();

    public Outreach(
            Database db, OutreachStore store, ActorStore actors, CommunityStore communities, OutreachEvents events) {
        this.db = db;
        this.store = store;
        this.actors = actors;
        this.communities = communities;
        this.anonymity = new Anonymity(communities);
        this.events = events;
    }

    /** A community the member moderates, and whether they are on duty there. */
    public record Duty(long communityId, String name, String title, boolean onDuty) {}

    /** A conversation as one of its two sides reads it, oldest message first. */
    public record Conversation(long moderatorId, long personId, boolean asModerator, List<Message> messages) {}

    /** Every community the member moderates, with their duty there. */
    public List<Duty> duties(Member member) {
        return db.read(c -> Sql.list(
                c,
                """
                select k.id, a.preferred_username, k.title, m.on_duty_since is not null
                from community_moderator m join community k on k.id = m.community_id join actor a on a.id = k.actor_id
                where m.actor_id = ? and a.local order by k.title""",
                rs -> new Duty(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)),
                member.actor().id()));
    }

    /** Goes on or off duty in a community the member moderates. */
    public Duty setOnDuty(Member member, long communityId, boolean onDuty) {
        return db.transaction(c -> {
            int changed = Sql.update(c, """
                    update community_moderator set on_duty_since = case when ? then coalesce(on_duty_since, now()) end
                    where community_id = ? and actor_id = ?""", onDuty, communityId, member.actor().id());
            if (changed == 0) throw forbidden("only the community's moderators can go on duty there");
            var community = communities.findById(c, communityId).orElseThrow();
            return new Duty(communityId, community.name(), community.title(), onDuty);
        });
    }

    public List<OutreachStore.Template> templates(Member moderator, long communityId) {
        return db.read(c -> {
            mayModerate(c, moderator, communityId);
            return store.templates(c, communityId);
        });
    }

    public OutreachStore.Template addTemplate(Member moderator, long communityId, String title, String body) {
        var t = title == null ? "" : title.strip();
        var b = body == null ? "" : body.strip();
        if (t.isEmpty()) throw Refusal.invalid("title", "give the template a short title");
        if (t.length() > MAX_TITLE)
            throw Refusal.invalid("title", "the title must be at most " + MAX_TITLE + " characters");
        if (b.isEmpty()) throw Refusal.invalid("body", "write the message");
        if (b.length() > MAX_TEXT)
            throw Refusal.invalid("body", "the message must be at most " + MAX_TEXT + " characters");
        return db.transaction(c -> {
            mayModerate(c, moderator, communityId);
            if (store.templates(c, communityId).size() >= MAX_TEMPLATES) {
                throw Refusal.conflict("title", "a community keeps at most " + MAX_TEMPLATES + " templates");
            }
            return store.addTemplate(c, communityId, t, b);
        });
    }

    public void removeTemplate(Member moderator, long communityId, long templateId) {
        db.transaction(c -> {
            mayModerate(c, moderator, communityId);
            if (!store.removeTemplate(c, communityId, templateId))
                throw Refusal.notFound("there is no template " + templateId);
            return null;
        });
    }

    /**
     * A moderator's check-in to the person a wellbeing concern is about: a private message, to a local
     * member here, to a remote person as a direct message on their own server.
     */
    public Message checkIn(Member moderator, long reportId, String text) {
        var html = html(text);
        return db.transaction(c -> {
            var concern = Sql.one(
                            c,
                            "select concern, community_id, subject_id from report where id = ?",
                            rs -> new Concern(rs.getString(1), (Long) rs.getObject(2), (Long) rs.getObject(3)),
                            reportId)
                    .orElseThrow(() -> Refusal.notFound("there is no report " + reportId));
            boolean admin = moderator.role() == Role.ADMIN;
            boolean mod = concern.communityId() != null
                    && communities.isModerator(
                            c, concern.communityId(), moderator.actor().id());
            if ((!admin && !mod)
                    || concern.subjectId() != null
                            && concern.subjectId() == moderator.actor().id()) {
                throw Refusal.notFound("there is no report " + reportId);
            }
            if (!concern.kind().equals("wellbeing")) {
                throw Refusal.conflict("report", "a check-in answers a wellbeing concern; this report is a complaint");
            }
            var person = concern.subjectId() == null
                    ? Optional.<Actor>empty()
                    : actors.findById(c, concern.subjectId()).filter(a -> a.type() == ActorType.PERSON);
            if (person.isEmpty()) throw Refusal.conflict("report", "this concern is not about a person");
            // A concern about an anonymous post names its pseudonym (issue 17): the check-in goes to the member
            // behind it, privately, so the pseudonym stays all that anyone else ever sees.
            long writer = anonymity.writer(c, person.get().id());
            if (writer != person.get().id()) person = actors.findById(c, writer);
            var community = concern.communityId() == null
                    ? Optional.<Community>empty()
                    : communities.findById(c, concern.communityId());
            var uri = URI.create(moderator.actor().uri() + "/check-ins/" + UUID.randomUUID());
            long id = store.insert(
                    c,
                    new OutreachStore.NewMessage(
                            uri,
                            moderator.actor().id(),
                            person.get().id(),
                            true,
                            concern.communityId(),
                            reportId,
                            html,
                            null));
            // Reaching out is looking at the concern: nobody needs reminding of it any more.
            Sql.update(c, "update report set seen_at = coalesce(seen_at, now()) where id = ?", reportId);
            deliver(
                    c,
                    id,
                    moderator.actor(),
                    person.get(),
                    uri,
                    html,
                    null,
                    community.map(k -> k.actor().uri()));
            return message(c, id, moderator);
        });
    }

    /** An answer in a conversation the member is part of, to the other side. */
    public Message reply(Member member, long messageId, String text) {
        var html = html(text);
        return db.transaction(c -> {
            var to = party(c, member, messageId);
            boolean asModerator = to.moderatorId() == member.actor().id();
            var other = actors.findById(c, asModerator ? to.personId() : to.moderatorId())
                    .orElseThrow();
            var uri = URI.create(member.actor().uri() + "/check-ins/" + UUID.randomUUID());
            long id = store.insert(
                    c,
                    new OutreachStore.NewMessage(
                            uri,
                            to.moderatorId(),
                            to.personId(),
                            asModerator,
                            to.communityId(),
                            to.reportId(),
                            html,
                            to.uri()));
            deliver(c, id, member.actor(), other, uri, html, to.uri(), Optional.empty());
            return message(c, id, member);
        });
    }

    /** The conversation a message belongs to, for one of its two sides; what the other side wrote is marked read. */
    public Conversation conversation(Member member, long messageId) {
        return db.transaction(c -> {
            var m = party(c, member, messageId);
            store.markRead(c, m.moderatorId(), m.personId(), member.actor().id());
            return new Conversation(
                    m.moderatorId(),
                    m.personId(),
                    m.moderatorId() == member.actor().id(),
                    store.conversation(
                            c, m.moderatorId(), m.personId(), member.actor().id()));
        });
    }

    /** The member's conversations, each by its newest message, newest first. */
    public List<Message> conversations(Member member) {
        return db.read(c -> store.latest(c, member.actor().id()));
    }

    private record Concern(String kind, Long communityId, Long subjectId) {}

    private void deliver(
            Connection c, long id, Actor from, Actor to, URI uri, String html, URI inReplyTo, Optional<URI> community)
            throws SQLException {
        if (to.local()) Notifications.checkIn(c, id, to.id());
        else events.sent(c, from, to, uri, html, inReplyTo, community.orElse(null));
    }

    private OutreachStore.Stored party(Connection c, Member member, long messageId) throws SQLException {
        var m = store.byId(c, messageId)
                .filter(s -> s.moderatorId() == member.actor().id()
                        || s.personId() == member.actor().id())
                .orElseThrow(() -> Refusal.notFound("there is no check-in " + messageId));
        return m;
    }

    private Message message(Connection c, long id, Member viewer) throws SQLException {
        var m = store.byId(c, id).orElseThrow();
        return store
                .conversation(c, m.moderatorId(), m.personId(), viewer.actor().id())
                .stream()
                .filter(x -> x.id() == id)
                .findFirst()
                .orElseThrow();
    }

    private String html(String text) {
        var t = text == null ? "" : text.strip();
        if (t.isEmpty()) throw Refusal.invalid("text", "write a message first");
        if (t.length() > MAX_TEXT)
            throw Refusal.invalid("text", "the message must be at most " + MAX_TEXT + " characters");
        return markdown.toHtml(t);
    }

    private void mayModerate(Connection c, Member member, long communityId) throws SQLException {
        if (communities.findById(c, communityId).isEmpty())
            throw Refusal.notFound("there is no community " + communityId);
        if (member.role() != Role.ADMIN
                && !communities.isModerator(c, communityId, member.actor().id()))
            throw forbidden("only the community's moderators can do this");
    }

    private static Refusal forbidden(String message) {
        return new Refusal(Refusal.Kind.FORBIDDEN, null, message);
    }
}
