package app.kindred.report;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.ShutOut;
import app.kindred.notification.Notifications;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reports other servers send us (Flag) and their word that a report was handled (Resolve{Flag}).
 * A Flag is routed to the moderators of the community its content belongs to (ours, or a remote
 * one that a member of ours moderates), and to our admins when it concerns one of our members or
 * the instance; a Flag about nothing we host or moderate is refused. A report about one of our
 * communities is passed on to its remote moderators' instances, and a remote moderator's
 * resolution is passed on to the other servers that hold the report.
 */
public final class ReportIntake {
    static final int MAX_TEXT = 5_000;

    private final ReportStore reports;
    private final PostStore posts;
    private final CommunityStore communities;
    private final ActorStore actors;
    private final ReportRouting routing;

    public ReportIntake(
            ReportStore reports, PostStore posts, CommunityStore communities, ActorStore actors, ReportEvents events) {
        this.reports = reports;
        this.posts = posts;
        this.communities = communities;
        this.actors = actors;
        this.routing = new ReportRouting(reports, communities, actors, events);
    }

    /**
     * A Flag as read from the wire, whatever server sent it.
     *
     * @param viaGroup the remote community that passed it on to us (Announce{Flag}), or null
     */
    public record Flag(String id, Actor sender, List<URI> objects, String text, String json, Actor viaGroup) {}

    public sealed interface Outcome {
        record Applied(List<Long> reportIds) implements Outcome {}

        record Refused(String reason) implements Outcome {}
    }

    public Outcome receive(Connection c, Flag flag) throws SQLException {
        var found = new ArrayList<Post>();
        Actor account = null;
        boolean instance = false;
        long instanceActorId =
                Sql.one(c, "select actor_id from instance", rs -> rs.getLong(1)).orElse(-1L);
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
        var reason = FlagText.read(text);

        var subjects = new ArrayList<Routed>();
        boolean shutOut = false;
        for (var post : found) {
            var community = communities.findById(c, post.communityId()).orElseThrow();
            // A community that blocked the sender (or its server) takes no reports from it, as it takes no posts.
            if (community.actor().local() && ShutOut.blocks(c, community.id(), flag.sender())) {
                shutOut = true;
                continue;
            }
            var author = actors.findById(c, post.authorId()).orElseThrow();
            // Someone else's post in someone else's community is not ours to judge, unless one of ours moderates there.
            boolean moderatedHere = !community.actor().local() && communities.hasLocalModerator(c, community.id());
            if (!community.actor().local() && !author.local() && !moderatedHere) continue;
            var category = category(c, reason, community);
            subjects.add(new Routed(
                    new ReportStore.Subject(
                            category.category().concern(),
                            community.id(),
                            post.id(),
                            author.id(),
                            author.local() || !community.actor().local() && !moderatedHere),
                    category,
                    Optional.of(community)));
        }
        var other = new FlagText.Reason(reason.category() == Category.RULE ? Category.OTHER : reason.category(), null);
        if (subjects.isEmpty() && account != null && account.local()) {
            var community =
                    account.type() == ActorType.GROUP ? communities.byActor(c, account) : Optional.<Community>empty();
            subjects.add(new Routed(
                    new ReportStore.Subject(
                            other.category().concern(),
                            community.map(k -> k.id()).orElse(null),
                            null,
                            account.id(),
                            true),
                    other,
                    Optional.empty()));
        }
        if (subjects.isEmpty() && instance) {
            subjects.add(new Routed(
                    new ReportStore.Subject(other.category().concern(), null, null, instanceActorId, true),
                    other,
                    Optional.empty()));
        }
        if (subjects.isEmpty() && shutOut)
            return new Outcome.Refused(
                    "the community has blocked " + flag.sender().uri());
        if (subjects.isEmpty()) return new Outcome.Refused("the Flag names nothing this instance hosts or moderates");
        var ids = new ArrayList<Long>();
        var flagJson = ReportRouting.parse(flag.json());
        for (var routed : subjects) {
            long reportId = reports.openReportFor(c, routed.subject());
            var filing = new ReportStore.NewFiling(
                    flag.sender().id(),
                    false,
                    routed.reason().category(),
                    routed.reason().rule(),
                    text,
                    false,
                    flag.id(),
                    flag.json(),
                    flag.viaGroup() == null ? null : flag.viaGroup().id());
            var added = reports.addFiling(c, reportId, filing);
            if (added.isPresent() && routed.subject().concern() == Concern.WELLBEING)
                Notifications.concernFiled(c, reportId);
            if (added.isPresent() && routed.community().isPresent()) {
                routing.forwardToRemoteModerators(
                        c,
                        routed.community().get(),
                        routed.subject().subjectId(),
                        flagJson,
                        flag.sender().uri().getRawAuthority());
            }
            ids.add(reportId);
        }
        return new Outcome.Applied(ids);
    }

    private record Routed(ReportStore.Subject subject, FlagText.Reason reason, Optional<Community> community) {}

    /** A rule is kept only when the community has it; otherwise the report is filed as other, its text as sent. */
    private FlagText.Reason category(Connection c, FlagText.Reason reason, Community community) throws SQLException {
        if (reason.category() != Category.RULE) return reason;
        boolean known = communities.rules(c, community.id()).stream().anyMatch(r -> r.number() == reason.rule());
        return known ? reason : new FlagText.Reason(Category.OTHER, null);
    }

    /**
     * A server's word that a report was handled: taken for a Flag we sent only from a server it went
     * to, for any report from a moderator of its community or from the community itself. A remote
     * moderator's resolution of a report about one of our communities is passed on by the community
     * to the other servers that hold it.
     */
    public Outcome resolved(Connection c, String flagId, Actor resolver) throws SQLException {
        var filings = reports.filingsWithFlag(c, flagId);
        var sent = reports.sentFlag(c, flagId);
        if (filings.isEmpty() && sent.isEmpty())
            return new Outcome.Refused("no report here carries the Flag " + flagId);
        var reportIds = new LinkedHashSet<Long>();
        filings.forEach(f -> reportIds.add(f.reportId()));
        sent.ifPresent(s -> reportIds.add(s.reportId()));
        var ids = new ArrayList<Long>();
        for (long reportId : reportIds) {
            var report = reports.find(c, reportId).orElseThrow();
            var filing = filings.stream()
                    .filter(f -> f.reportId() == reportId)
                    .findFirst()
                    .orElse(null);
            if (!mayResolve(c, report, filing, resolver)) {
                return new Outcome.Refused(resolver.uri() + " may not resolve the report of Flag " + flagId);
            }
            if (report.open()) {
                reports.decide(
                        c,
                        reportId,
                        ReportStatus.RESOLVED,
                        "resolved at " + resolver.uri().getRawAuthority(),
                        resolver.id());
                var community = report.communityId() == null
                        ? Optional.<Community>empty()
                        : communities.findById(c, report.communityId());
                if (community.isPresent() && community.get().actor().local()) {
                    routing.tellResolved(
                            c,
                            reports.find(c, reportId).orElseThrow(),
                            community.get().actor(),
                            resolver.uri().getRawAuthority());
                }
            }
            ids.add(reportId);
        }
        return new Outcome.Applied(ids);
    }

    /** @param filing the filing carrying the Flag, or null for a Flag a moderator of ours forwarded */
    private boolean mayResolve(Connection c, Report report, Filing filing, Actor resolver) throws SQLException {
        if (report.communityId() != null) {
            if (communities.isModerator(c, report.communityId(), resolver.id())) return true;
            var community = communities.findById(c, report.communityId());
            if (community.isPresent() && community.get().actor().id() == resolver.id()) return true;
        }
        if (filing != null && !filing.local()) return false;
        // Our Flag went to the community's server and the author's: either may answer for it.
        var hosts = new ArrayList<String>();
        if (report.communityId() != null) {
            communities
                    .findById(c, report.communityId())
                    .ifPresent(k -> hosts.add(k.actor().uri().getRawAuthority()));
        }
        if (report.subjectId() != null) {
            actors.findById(c, report.subjectId())
                    .ifPresent(a -> hosts.add(a.uri().getRawAuthority()));
        }
        var host = resolver.uri().getRawAuthority();
        return !resolver.local() && hosts.stream().anyMatch(h -> Objects.equals(h, host));
    }
}
