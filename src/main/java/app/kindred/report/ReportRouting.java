package app.kindred.report;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a report goes beyond this instance once it is here, and how its resolution travels back.
 *
 * <p>A report about content in one of our communities is passed on, as Announce{Flag} from the
 * community, to the instances of its remote moderators, so they see it in their own queues. A
 * resolution goes to every server that holds the report: the community's own server when the
 * community is remote (it passes the word on), the server whose Flag we received, and, for our own
 * communities, the remote moderators' instances. The reported person never gets the report this
 * way, even when they moderate the community.
 */
final class ReportRouting {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReportStore reports;
    private final CommunityStore communities;
    private final ActorStore actors;
    private final ReportEvents events;

    ReportRouting(ReportStore reports, CommunityStore communities, ActorStore actors, ReportEvents events) {
        this.reports = reports;
        this.communities = communities;
        this.actors = actors;
        this.events = events;
    }

    /**
     * Passes a Flag about content in one of our communities on to its remote moderators'
     * instances, leaving out the reported person and the server the Flag came from.
     *
     * @param fromHost the host that sent us the Flag, or null for one of our members' reports
     */
    void forwardToRemoteModerators(Connection c, Community community, Long subjectId, JsonNode flag, String fromHost)
            throws SQLException {
        if (!community.actor().local()) return;
        var recipients = new ArrayList<Actor>();
        for (var moderator : communities.remoteModerators(c, community.id())) {
            if (Objects.equals(subjectId, moderator.id())) continue;
            if (fromHost != null && fromHost.equalsIgnoreCase(moderator.uri().getRawAuthority())) continue;
            recipients.add(moderator);
        }
        if (!recipients.isEmpty()) events.passedOn(c, community.actor(), flag, recipients);
    }

    /** Whether the community has moderators elsewhere who should see a report about this subject. */
    boolean hasRemoteModeratorsBesides(Connection c, Community community, Long subjectId) throws SQLException {
        return community.actor().local()
                && communities.remoteModerators(c, community.id()).stream()
                        .anyMatch(m -> !Objects.equals(subjectId, m.id()));
    }

    /**
     * Tells the servers that hold this report that it was resolved or dismissed: one Resolve{Flag}
     * per Flag the report carries.
     *
     * @param resolver  who speaks: our moderator, or our community passing on a remote moderator's decision
     * @param skipHost  a host that already knows (the remote moderator's), or null
     */
    void tellResolved(Connection c, Report report, Actor resolver, String skipHost) throws SQLException {
        var community = report.communityId() == null
                ? Optional.<Community>empty()
                : communities.findById(c, report.communityId());
        var communityUri = community.map(k -> k.actor().uri()).orElse(null);
        var flags = new ArrayList<Flagged>();
        for (var filing : report.filings()) {
            if (filing.flagId() != null && filing.flagBody() != null)
                flags.add(new Flagged(filing, parse(filing.flagBody())));
        }
        // A moderator's forward to the author's server: that server hears back too.
        for (var body : reports.sentFlagBodies(c, report.id())) flags.add(new Flagged(null, parse(body)));
        for (var flagged : flags) {
            var recipients = new LinkedHashMap<Long, Actor>();
            var filing = flagged.filing();
            if (community.isPresent()
                    && !community.get().actor().local()
                    && communities.isModerator(c, community.get().id(), resolver.id())) {
                // The community's own server settles it for everyone else it told.
                recipients.put(community.get().actor().id(), community.get().actor());
            }
            if (filing != null && !filing.local() && filing.reporterId() != null && filing.viaGroupId() == null) {
                actors.findById(c, filing.reporterId()).ifPresent(a -> recipients.put(a.id(), a));
            }
            if (filing == null && report.subjectId() != null) {
                actors.findById(c, report.subjectId()).ifPresent(a -> recipients.put(a.id(), a));
            }
            if (community.isPresent() && community.get().actor().local()) {
                for (var moderator :
                        communities.remoteModerators(c, community.get().id())) {
                    if (!Objects.equals(report.subjectId(), moderator.id())) recipients.put(moderator.id(), moderator);
                }
            }
            var targets = recipients.values().stream()
                    .filter(a -> !a.local() && a.id() != resolver.id())
                    .filter(a -> skipHost == null
                            || !skipHost.equalsIgnoreCase(a.uri().getRawAuthority()))
                    .toList();
            if (!targets.isEmpty()) events.resolved(c, resolver, flagged.flag(), communityUri, targets);
        }
    }

    private record Flagged(Filing filing, JsonNode flag) {}

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
