package app.kindred.report;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Participant;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.notification.Notifications;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Anonymity;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Our members' reports, the moderators' queue, and decisions. A report about remote content also
 * goes, as a Flag from the instance actor, to the servers that can act on it; one about content in
 * our community goes to its remote moderators' instances too (see {@link ReportRouting}); the
 * reporter is named only when they ask to be. Whoever a report is about never sees who filed it,
 * and a moderator reported in their own community does not see that report at all.
 */
public final class ReportService {
    static final int MAX_TEXT = 2_000, MAX_NOTE = 2_000;

    private final Database db;
    private final ReportStore reports;
    private final PostStore posts;
    private final CommunityStore communities;
    private final ActorStore actors;
    private final ReportEvents events;
    private final ReportRouting routing;
    private final Actor instanceActor;
    private final RateLimits limits;

    public ReportService(
            Database db,
            ReportStore reports,
            PostStore posts,
            CommunityStore communities,
            ActorStore actors,
            ReportEvents events,
            Actor instanceActor,
            RateLimits limits) {
        this.limits = limits;
        this.db = db;
        this.reports = reports;
        this.posts = posts;
        this.communities = communities;
        this.actors = actors;
        this.events = events;
        this.routing = new ReportRouting(reports, communities, actors, events);
        this.instanceActor = instanceActor;
    }

    /**
     * What a member reports: a post (thread or comment) or a member, never both.
     *
     * @param member a local username or an actor's URI
     * @param rule   the community rule broken, for {@link Category#RULE}: one of the rules of the post's community
     */
    public record Draft(
            Long postId, String member, Category category, Integer rule, String text, boolean showIdentity) {}

    /** A report with what a moderator needs to read it: names, not ids. */
    /**
     * @param writtenBy when the subject is a pseudonym (issue 17): the real writer's handle, for the
     *                  community's moderators and this instance's admins only ({@link Anonymity#disclosure}); else null
     */
    public record Detail(
            Report report,
            String communityName,
            URI post,
            String postTitle,
            URI subject,
            List<URI> reporters,
            String writtenBy) {}

    /** One of a member's own reports: what they filed, and where it stands. */
    public record Mine(Report report, Filing filing, URI post, URI subject) {}

    /**
     * Files a member's report within their limit, whichever door it came through: reports and
     * wellbeing concerns are counted apart, so filing reports never uses up the room for a concern;
     * a report refused or not filed (busy) counts for nothing.
     */
    public Mine file(Member reporter, Draft draft) {
        if (draft.category() == null) throw Refusal.invalid("category", "a report names its category");
        var limit = draft.category().concern() == Concern.WELLBEING ? Limit.CONCERN : Limit.REPORT;
        return limits.within(limit, RateLimits.memberKey(reporter.id()), () -> fileNow(reporter, draft));
    }

    private Mine fileNow(Member reporter, Draft draft) {
        if ((draft.postId() == null)
                == (draft.member() == null || draft.member().isBlank())) {
            throw Refusal.invalid("post", "report either a post or a member");
        }
        var category = draft.category();
        if (category == Category.RULE && (draft.rule() == null || draft.rule() < 1)) {
            throw Refusal.invalid("rule", "a report under a rule names its number, 1 or more");
        }
        if (category != Category.RULE && draft.rule() != null)
            throw Refusal.invalid("rule", "only a rule report names a rule");
        var text = draft.text() == null ? "" : draft.text().strip();
        if (text.length() > MAX_TEXT) throw Refusal.invalid("text", "text must be at most " + MAX_TEXT + " characters");
        return db.transaction(c -> {
            Report report;
            Optional<Post> post = Optional.empty();
            Actor subject;
            Optional<Community> community = Optional.empty();
            if (draft.postId() != null) {
                post = posts.findById(c, draft.postId());
                if (post.isEmpty()) throw Refusal.notFound("there is no post " + draft.postId());
                community = communities.findById(c, post.get().communityId());
                subject = actors.findById(c, post.get().authorId()).orElseThrow();
            } else {
                subject = member(c, draft.member().strip());
            }
            if (subject.id() == reporter.actor().id()) throw Refusal.invalid("post", "you cannot report yourself");
            if (category == Category.RULE) checkRule(c, community, draft.rule());
            var communityId = community.map(Community::id).orElse(null);
            if (category == Category.WELLBEING
                    && ConcernStops.stopped(c, reporter.actor().id(), communityId)) {
                throw new Refusal(
                        Refusal.Kind.FORBIDDEN,
                        "category",
                        "the moderators have paused wellbeing concerns from your account; "
                                + "you can still tell them about anything else");
            }
            // People are an instance matter; content in a community is its moderators' first.
            boolean forAdmins = post.isEmpty()
                    || subject.local()
                    || community.map(k -> !k.actor().local()).orElse(true);
            long reportId = reports.openReportFor(
                    c,
                    new ReportStore.Subject(
                            category.concern(), communityId, post.map(Post::id).orElse(null), subject.id(), forAdmins));
            var filed = reports.fileLocal(
                    c,
                    reportId,
                    new ReportStore.NewFiling(
                            reporter.actor().id(),
                            true,
                            category,
                            draft.rule(),
                            text,
                            draft.showIdentity(),
                            null,
                            null,
                            null));
            long filingId = filed.id();

            // Content in a remote community, or a remote person: the servers that can act are told at once.
            // A remote author's post in our own community is our moderators' to judge; they can forward it.
            var remoteRecipients = new LinkedHashMap<Long, Actor>();
            boolean remoteMatter = community.map(k -> !k.actor().local()).orElse(!subject.local());
            if (remoteMatter) {
                community.ifPresent(k -> remoteRecipients.put(k.actor().id(), k.actor()));
                // A concern for someone's wellbeing goes to moderators who can reach out, never to the person's
                // own server: Mastodon and Lemmy would take it as a complaint against them.
                // Content in a private community is told only to servers that may read it (FlagReaders): the
                // community's own server passes it on to its members' servers as it sees fit.
                if (!subject.local()
                        && category != Category.WELLBEING
                        && FlagReaders.mayRead(c, community.orElse(null), subject))
                    remoteRecipients.put(subject.id(), subject);
            }
            if (filed.created() && category == Category.WELLBEING) Notifications.concernFiled(c, reportId);
            // Filing again updates the member's filing here; the servers told the first time are not told again.
            if (filed.created() && !remoteRecipients.isEmpty()) {
                var sender = draft.showIdentity() ? reporter.actor() : instanceActor;
                var sent = events.flagged(
                        c,
                        sender,
                        post.map(p -> List.of(p.uri())).orElse(List.of()),
                        subject.uri(),
                        FlagText.write(category, draft.rule(), text),
                        community.map(k -> k.actor().uri()).orElse(null),
                        remoteRecipients.values());
                reports.setFlag(c, filingId, sent.id(), sent.json());
            } else if (filed.created()
                    && community.isPresent()
                    && routing.hasRemoteModeratorsBesides(c, community.get(), subject.id())) {
                // Our community with moderators elsewhere: they see it in their queues too, the reporter unnamed unless
                // they chose.
                var sender = draft.showIdentity() ? reporter.actor() : instanceActor;
                var flag = events.flagged(
                        c,
                        sender,
                        post.map(p -> List.of(p.uri())).orElse(List.of()),
                        subject.uri(),
                        FlagText.write(category, draft.rule(), text),
                        community.get().actor().uri(),
                        List.of());
                reports.setFlag(c, filingId, flag.id(), flag.json());
                routing.forwardToRemoteModerators(
                        c, community.get(), subject.id(), ReportRouting.parse(flag.json()), null);
            }
            report = reports.find(c, reportId).orElseThrow();
            var filing = report.filings().stream()
                    .filter(f -> f.id() == filingId)
                    .findFirst()
                    .orElseThrow();
            return new Mine(report, filing, post.map(Post::uri).orElse(null), subject.uri());
        });
    }

    /** The queue a member may see: admins everything, moderators their communities' reports. */
    public List<Detail> queue(Member viewer, ReportStore.Filter filter) {
        boolean admin = viewer.role() == Role.ADMIN;
        return db.read(c -> {
            if (!admin && moderatesAny(c, viewer) == 0) {
                throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only moderators and admins see reports");
            }
            var out = new ArrayList<Detail>();
            for (var r : reports.queue(c, viewer.actor().id(), admin, filter)) out.add(detail(c, r, viewer));
            return out;
        });
    }

    /** A report as its moderator reads it; opening a wellbeing concern is what counts as it being seen. */
    public Detail find(Member viewer, long id) {
        return db.transaction(c -> {
            var report = moderated(c, viewer, id);
            if (report.concern() == Concern.WELLBEING) reports.markSeen(c, id);
            return detail(c, report, viewer);
        });
    }

    /** Open reports waiting for this member; empty for anyone with no queue (not an admin, moderating nothing). */
    public OptionalLong openCount(Member viewer) {
        boolean admin = viewer.role() == Role.ADMIN;
        return db.read(c -> !admin && moderatesAny(c, viewer) == 0
                ? OptionalLong.empty()
                : OptionalLong.of(reports.countOpen(c, viewer.actor().id(), admin)));
    }

    /** Whether this member has a queue at all: admins, and moderators of any community. */
    public boolean hasQueue(Member viewer) {
        return viewer.role() == Role.ADMIN || db.read(c -> moderatesAny(c, viewer)) > 0;
    }

    /** Other reports about the same member that this viewer may read, newest first: the member's history. */
    public List<Detail> history(Member viewer, Detail of) {
        var subjectId = of.report().subjectId();
        if (subjectId == null) return List.of();
        return queue(viewer, new ReportStore.Filter(null, null, null)).stream()
                .filter(d -> d.report().id() != of.report().id()
                        && subjectId.equals(d.report().subjectId()))
                .sorted(Comparator.comparing((Detail d) -> d.report().createdAt())
                        .reversed())
                .toList();
    }

    /**
     * Every report about a member or their posts, in any community, newest first (issue 15: the
     * admin's page of a member). Admins only: moderators see a member's history report by report.
     */
    public List<Detail> aboutMember(Member admin, long actorId) {
        if (admin.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
        return db.read(c -> {
            var out = new ArrayList<Detail>();
            for (var r : reports.aboutMember(c, actorId)) out.add(detail(c, r, admin));
            return out;
        });
    }

    /** Resolves or dismisses a report with a note; the servers whose Flags it holds are told (Resolve{Flag}). */
    public Detail decide(Member moderator, long id, ReportStatus decision, String note) {
        if (decision == ReportStatus.OPEN) throw Refusal.invalid("status", "a decision resolves or dismisses");
        var trimmed = note == null ? "" : note.strip();
        if (trimmed.length() > MAX_NOTE)
            throw Refusal.invalid("note", "note must be at most " + MAX_NOTE + " characters");
        return db.transaction(c -> {
            var report = moderated(c, moderator, id);
            if (!reports.decide(c, id, decision, trimmed, moderator.actor().id())) {
                throw Refusal.conflict(
                        "status",
                        "report " + id + " is already " + report.status().wire());
            }
            routing.tellResolved(c, reports.find(c, id).orElseThrow(), moderator.actor(), null);
            return detail(c, reports.find(c, id).orElseThrow(), moderator);
        });
    }

    /** Passes a report about a remote author's content on to their server, without naming any reporter. */
    public Detail forward(Member moderator, long id) {
        return db.transaction(c -> {
            var report = moderated(c, moderator, id);
            var subject = report.subjectId() == null
                    ? null
                    : actors.findById(c, report.subjectId()).orElse(null);
            if (subject == null || subject.local()) {
                throw Refusal.conflict("report", "its author is on this instance; there is nowhere to forward it");
            }
            if (report.concern() == Concern.WELLBEING) {
                throw Refusal.conflict(
                        "report",
                        "a wellbeing concern stays with the moderators: the person's server would read it as a"
                                + " complaint against them; send them a check-in instead");
            }
            if (report.forwardedAt() != null)
                throw Refusal.conflict("report", "report " + id + " was already forwarded");
            var post = report.postId() == null ? Optional.<Post>empty() : posts.findById(c, report.postId());
            var community = report.communityId() == null
                    ? Optional.<Community>empty()
                    : communities.findById(c, report.communityId());
            // A server that may not read the private community is told who was reported and why in our
            // words only: not which post, nor what the reporters wrote (it often quotes the post).
            boolean mayRead = FlagReaders.mayRead(c, community.orElse(null), subject);
            var text = String.join(
                    "\n",
                    report.filings().stream()
                            .map(f -> !mayRead
                                    ? FlagText.write(f.category(), f.rule(), null)
                                    : f.local() ? FlagText.write(f.category(), f.rule(), f.text()) : f.text())
                            .distinct()
                            .toList());
            var sent = events.flagged(
                    c,
                    instanceActor,
                    post.filter(p -> mayRead).map(p -> List.of(p.uri())).orElse(List.of()),
                    subject.uri(),
                    text,
                    community.map(k -> k.actor().uri()).orElse(null),
                    List.of(subject));
            reports.addSentFlag(c, id, sent.id(), sent.json());
            reports.markForwarded(c, id);
            return detail(c, reports.find(c, id).orElseThrow(), moderator);
        });
    }

    /** Whether forward would send this report on: its member is on another server and it has not gone yet. */
    public boolean forwardable(Member viewer, long id) {
        return db.read(c -> {
            var report = moderated(c, viewer, id);
            if (report.forwardedAt() != null || report.subjectId() == null) return false;
            return actors.findById(c, report.subjectId()).map(a -> !a.local()).orElse(false);
        });
    }

    // Escalation to admins (issue 15): a moderator passes a report they cannot or should not decide alone.

    /** A report passed up to this instance's admins; {@code by} the moderator's handle. */
    public record Escalation(long reportId, String by, String note, Instant at) {}

    public static final int MAX_ESCALATION_NOTE = 1_000;

    /**
     * Passes an open report up to this instance's admins with why. Nothing leaves this server: admins
     * read everything in their queue already, and escalated reports lead it under their own heading.
     */
    public Escalation escalate(Member moderator, long id, String note) {
        var trimmed = note == null ? "" : note.strip();
        if (trimmed.length() > MAX_ESCALATION_NOTE)
            throw Refusal.invalid("note", "a note is at most " + MAX_ESCALATION_NOTE + " characters");
        return db.transaction(c -> {
            var report = moderated(c, moderator, id);
            if (!report.open()) throw Refusal.conflict("report", "report " + id + " is already decided");
            if (Sql.update(
                            c,
                            "insert into report_escalation (report_id, escalated_by, note) values (?, ?, ?)"
                                    + " on conflict do nothing",
                            id,
                            moderator.actor().id(),
                            trimmed)
                    == 0) throw Refusal.conflict("report", "report " + id + " is already with the admins");
            // The admins are told in the same transaction: an escalation nobody hears of helps nobody.
            Notifications.escalated(c, id, moderator.actor().id());
            return escalation(c, id).orElseThrow();
        });
    }

    /** Whether and why a report went to the admins, for whoever may read the report. */
    public Optional<Escalation> escalation(Member viewer, long id) {
        return db.read(c -> {
            moderated(c, viewer, id);
            return escalation(c, id);
        });
    }

    /** Open escalated reports, oldest first: the head of an admin's queue; empty for anyone else. */
    public List<Long> escalatedOpen(Member viewer) {
        if (viewer.role() != Role.ADMIN) return List.of();
        return db.read(c -> Sql.list(
                c,
                "select e.report_id from report_escalation e join report r on r.id = e.report_id"
                        + " where r.status = 'open' order by e.created_at, e.report_id",
                rs -> rs.getLong(1)));
    }

    private static Optional<Escalation> escalation(Connection c, long id) throws SQLException {
        return Sql.one(
                c,
                """
                select e.report_id, a.preferred_username || '@' || a.domain, e.note, e.created_at
                from report_escalation e left join actor a on a.id = e.escalated_by where e.report_id = ?""",
                rs -> new Escalation(rs.getLong(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "created_at")),
                id);
    }

    /** A member's own reports, newest first, with their status. */
    public List<Mine> mine(Member reporter) {
        return db.read(c -> {
            var out = new ArrayList<Mine>();
            for (long reportId : reports.reportIdsFiledBy(c, reporter.actor().id())) {
                var report = reports.find(c, reportId).orElseThrow();
                var filing = report.filings().stream()
                        .filter(f -> f.local() && reporter.actor().id() == f.reporterId())
                        .reduce((a, b) -> b)
                        .orElseThrow();
                var post = report.postId() == null
                        ? null
                        : posts.findById(c, report.postId()).map(Post::uri).orElse(null);
                var subject = report.subjectId() == null
                        ? null
                        : actors.findById(c, report.subjectId()).map(Actor::uri).orElse(null);
                out.add(new Mine(report, filing, post, subject));
            }
            return out;
        });
    }

    private Report moderated(Connection c, Member viewer, long id) throws SQLException {
        var report = reports.find(c, id).orElseThrow(() -> Refusal.notFound("there is no report " + id));
        if (!canModerate(c, viewer, report)) {
            // Someone who may not see a report is not told it exists.
            throw Refusal.notFound("there is no report " + id);
        }
        return report;
    }

    private boolean canModerate(Connection c, Member viewer, Report report) throws SQLException {
        if (viewer.role() == Role.ADMIN) return true;
        // A moderator reported in their own community does not handle, or see, the report about them.
        if (report.subjectId() != null && report.subjectId() == viewer.actor().id()) return false;
        return report.communityId() != null
                && communities.isModerator(
                        c, report.communityId(), viewer.actor().id());
    }

    /** A rule report names one of the guidelines of the post's community, ours or a remote one's as its Group lists them. */
    private void checkRule(Connection c, Optional<Community> community, Integer rule) throws SQLException {
        if (community.isEmpty()) {
            throw Refusal.invalid(
                    "rule",
                    "a report about a member cites no community rule; use spam, harassment, wellbeing or other");
        }
        var rules = communities.rules(c, community.get().id());
        if (rules.stream().noneMatch(r -> r.number() == rule)) {
            throw Refusal.invalid(
                    "rule",
                    rules.isEmpty()
                            ? community.get().title() + " has no numbered guidelines; choose another category"
                            : community.get().title() + " has no rule " + rule + "; its rules are numbered 1 to "
                                    + rules.size());
        }
    }

    private static long moderatesAny(Connection c, Member viewer) throws SQLException {
        return Sql.count(
                c,
                "select count(*) from community_moderator where actor_id = ?",
                viewer.actor().id());
    }

    /** A report as this viewer may read it: whoever it is about never learns who reported them. */
    private Detail detail(Connection c, Report r, Member viewer) throws SQLException {
        var community =
                r.communityId() == null ? Optional.<Community>empty() : communities.findById(c, r.communityId());
        var post = r.postId() == null ? Optional.<Post>empty() : posts.findById(c, r.postId());
        var subject = r.subjectId() == null
                ? null
                : actors.findById(c, r.subjectId()).map(Actor::uri).orElse(null);
        var reporters = new ArrayList<URI>();
        boolean aboutViewer =
                r.subjectId() != null && r.subjectId() == viewer.actor().id();
        for (var f : r.filings()) {
            reporters.add(
                    f.reporterId() == null || aboutViewer
                            ? null
                            : actors.findById(c, f.reporterId()).map(Actor::uri).orElse(null));
        }
        return new Detail(
                r,
                community.map(Community::name).orElse(null),
                post.map(Post::uri).orElse(null),
                post.map(Post::title).orElse(null),
                subject,
                reporters,
                writtenBy(c, r, viewer));
    }

    /** Who is behind a pseudonym the report is about, as {@link Anonymity} tells this viewer (usually nobody). */
    private String writtenBy(Connection c, Report r, Member viewer) throws SQLException {
        if (r.subjectId() == null) return null;
        var anonymity = new Anonymity(communities);
        var pseudonym = anonymity.of(c, r.subjectId());
        if (pseudonym.isEmpty()) return null;
        return anonymity
                .disclosure(c, pseudonym.get(), Participant.member(viewer))
                .writtenBy();
    }

    private Actor member(Connection c, String ref) throws SQLException {
        Optional<Actor> actor;
        if (ref.startsWith("http://") || ref.startsWith("https://")) {
            actor = actors.findByUri(c, URI.create(ref));
        } else {
            actor = actors.findLocal(c, ref.startsWith("@") ? ref.substring(1) : ref);
        }
        return actor.filter(a -> a.type() == ActorType.PERSON)
                .orElseThrow(() -> Refusal.notFound("there is no member " + ref + " known here"));
    }
}
