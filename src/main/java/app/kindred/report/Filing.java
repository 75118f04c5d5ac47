package app.kindred.report;

import java.time.Instant;

/**
 * One reporter's account of a report: a local member's, or a remote server's Flag.
 *
 * @param flagId     the Flag received, or the Flag we sent about remote content or to our remote moderators; null otherwise
 * @param viaGroupId the remote community that passed the Flag on to us (Announce{Flag}); null when it came straight
 */
public record Filing(
        long id,
        long reportId,
        Long reporterId,
        boolean local,
        Category category,
        Integer rule,
        String text,
        boolean showIdentity,
        String flagId,
        String flagBody,
        Long viaGroupId,
        Instant createdAt) {}
