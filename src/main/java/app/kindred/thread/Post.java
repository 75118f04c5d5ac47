package app.kindred.thread;

import java.net.URI;
import java.time.Instant;

/**
 * A thread (parentId null) or a comment in a community, local or remote. Content is stored
 * sanitised; local posts keep their Markdown source.
 */
public record Post(
        long id,
        URI uri,
        long communityId,
        long authorId,
        Long parentId,
        Long threadId,
        boolean local,
        String apType,
        String title,
        String contentHtml,
        String sourceMarkdown,
        String summary,
        boolean sensitive,
        String language,
        String url,
        Instant published,
        Instant updated,
        Instant deletedAt,
        String extras,
        Instant removedAt,
        String removalReason,
        Instant lockedAt,
        Instant pinnedAt,
        Instant heldAt,
        String heldReason,
        String communityWarning) {
    public boolean isThread() {
        return parentId == null;
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    /** Hidden by a moderator, content kept so it can be restored; unlike a delete, not the author's doing. */
    public boolean removed() {
        return removedAt != null;
    }

    /** A locked thread takes no new comments. */
    public boolean locked() {
        return lockedAt != null;
    }

    /** Waiting for a moderator: shown only to its author and the community's moderators, sent nowhere. */
    public boolean held() {
        return heldAt != null;
    }

    /** A pinned (featured) thread is listed before the others of its community. */
    public boolean pinned() {
        return pinnedAt != null;
    }
}
