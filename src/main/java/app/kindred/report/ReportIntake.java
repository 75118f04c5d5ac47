package app.kindred.report;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.community.CommunityStore;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reports other servers send us (Flag) and their word that a report was handled (Resolve{Flag}).
 * A Flag is routed to the moderators of the community its content belongs to, and to our admins
 * when it concerns one of our members or the instance; a Flag about nothing we host is refused.
 */
public final class ReportIntake {
    static final int MAX_TEXT = 5_000;

    private final ReportStore reports;
    private final PostStore posts;
    private final CommunityStore communities;
    private final ActorStore actors;

    public ReportIntake(ReportStore reports, PostStore posts, CommunityStore communities, ActorStore actors) {
        this.reports = reports;
        this.posts = posts;
        this.communities = communities;
        this.actors = actors;
    }

    /** A Flag as read from the wire, whatever server sent it. */
    public record Flag(String id, Actor sender, List<URI> objects, String text, String json) {}

    public sealed interface Outcome {
        record Applied(List<Long> reportIds) implements Outcome {}

        record Refused(String reason) implements Outcome {}
    }

    public Outcome receive(Connection c, Flag flag) throws SQLException {
        var found = new ArrayList<Post>();
        Actor account = null;
        boolean instance = false;
        long instanceActorId = Sql.one(c, "select actor_id from instance", rs -> rs.getLong(1)).orElse(-1L);
        for (var uri : flag.objects()) {
            var post = posts.findByUri(c, uri);
            if (post.isPresent()) {
                found.add(post.get());
                continue;
            }
            var actor = actors.findByUri(c, uri);
            if (actor.isEmpty()) continue;
            if (actor.get().id() == instanceActorId) instance = true;
            else if (account == null) account = actor.get();
        }
        var text = flag.text() == null ? "" : flag.text().strip();
        if (text.length() > MAX_TEXT) text = text.substring(0, MAX_TEXT);
        var filing = new ReportStore.NewFiling(flag.sender().id(), false, Category.OTHER, null, text, false, flag.id(), flag.json());

        var subjects = new ArrayList<ReportStore.Subject>();
        for (var post : found) {
            var community = communities.findById(c, post.communityId()).orElseThrow();
            var author = actors.findById(c, post.authorId()).orElseThrow();
            // Someone else's post in someone else's community is not ours to judge.
            if (!community.actor().local() && !author.local()) continue;
            subjects.add(new ReportStore.Subject(Concern.COMPLAINT, community.id(), post.id(), author.id(),
                    author.local() || !community.actor().local()));
        }
        if (subjects.isEmpty() && account != null && account.local()) {
            var community = account.type() == ActorType.GROUP ? communities.byActor(c, account) : java.util.Optional.<app.kindred.community.Community>empty();
            subjects.add(new ReportStore.Subject(Concern.COMPLAINT, community.map(k -> k.id()).orElse(null), null,
                    account.id(), true));
        }
        if (subjects.isEmpty() && instance) {
            subjects.add(new ReportStore.Subject(Concern.COMPLAINT, null, null, instanceActorId, true));
        }
        if (subjects.isEmpty()) return new Outcome.Refused("the Flag names nothing this instance hosts or moderates");
        var ids = new ArrayList<Long>();
        for (var subject : subjects) {
            long reportId = reports.openReportFor(c, subject);
            reports.addFiling(c, reportId, filing);
            ids.add(reportId);
        }
        return new Outcome.Applied(ids);
    }

    /**
     * A server's word that a report was handled: taken for a Flag we sent only from a server it went
     * to, and for a Flag we received only from a moderator of the community.
     */
    public Outcome resolved(Connection c, String flagId, Actor resolver) throws SQLException {
        var filings = reports.filingsWithFlag(c, flagId);
        if (filings.isEmpty()) return new Outcome.Refused("no report here carries the Flag " + flagId);
        var ids = new ArrayList<Long>();
        for (long reportId : filings.stream().map(Filing::reportId).distinct().toList()) {
            var report = reports.find(c, reportId).orElseThrow();
            var filing = filings.stream().filter(f -> f.reportId() == reportId).findFirst().orElseThrow();
            if (!mayResolve(c, report, filing, resolver)) {
                return new Outcome.Refused(resolver.uri() + " may not resolve the report of Flag " + flagId);
            }
            if (report.open()) {
                reports.decide(c, reportId, ReportStatus.RESOLVED, "resolved at " + resolver.uri().getRawAuthority(), resolver.id());
            }
            ids.add(reportId);
        }
        return new Outcome.Applied(ids);
    }

    private boolean mayResolve(Connection c, Report report, Filing filing, Actor resolver) throws SQLException {
        if (report.communityId() != null && communities.isModerator(c, report.communityId(), resolver.id())) return true;
        if (!filing.local()) return false;
        // Our Flag went to the community's server and the author's: either may answer for it.
        var hosts = new ArrayList<String>();
        if (report.communityId() != null) {
            communities.findById(c, report.communityId()).ifPresent(k -> hosts.add(k.actor().uri().getRawAuthority()));
        }
        if (report.subjectId() != null) {
            actors.findById(c, report.subjectId()).ifPresent(a -> hosts.add(a.uri().getRawAuthority()));
        }
        var host = resolver.uri().getRawAuthority();
        return !resolver.local() && hosts.stream().anyMatch(h -> Objects.equals(h, host));
    }
}
