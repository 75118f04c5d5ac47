package app.kindred.outreach;

import java.net.URI;
import java.time.Instant;

/**
 * One private message between a moderator and the person they reached out to.
 *
 * @param fromModerator whether the moderator wrote it (else the person answered)
 * @param mine          whether the member reading it wrote it
 */
public record Message(
        long id,
        URI uri,
        URI moderator,
        String moderatorName,
        URI person,
        String personName,
        boolean fromModerator,
        boolean mine,
        String contentHtml,
        Instant createdAt,
        boolean read) {}
