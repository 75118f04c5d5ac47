package app.kindred.report;

import java.time.Instant;
import java.util.List;

/**
 * One thing that needs a moderator's look, a post or a person, with every filing about it while
 * it was open.
 *
 * @param communityId the community whose moderators handle it; null when only admins do
 * @param forAdmins   it concerns one of our members or the instance, so our admins see it too
 */
public record Report(
        long id,
        Concern concern,
        Long communityId,
        Long postId,
        Long subjectId,
        boolean forAdmins,
        ReportStatus status,
        String note,
        Long decidedBy,
        Instant decidedAt,
        Instant forwardedAt,
        Instant createdAt,
        List<Filing> filings) {
    public boolean open() {
        return status == ReportStatus.OPEN;
    }
}
