package app.kindred.web.pages;

import app.kindred.media.MediaService;
import app.kindred.media.PostImages;
import app.kindred.thread.Discussions.Author;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a page shows of its posts' links and images and their authors' avatars. One per page
 * rendered, so each author's avatar is worked out once however many of their comments it shows;
 * a post's author comes with their picture (one query for all authors), so no query is made here.
 */
final class PostMedia {
    private final MediaService media;
    private final Map<Long, Optional<String>> avatars = new HashMap<>();

    PostMedia(MediaService media) {
        this.media = media;
    }

    PostImages images() {
        return media.postImages();
    }

    /** The avatar of a post's author, from what {@code Discussions} read with the author. */
    String avatar(Author author) {
        return avatars.computeIfAbsent(
                        author.actorId(), id -> Optional.ofNullable(media.picture(author.iconKey(), author.iconUrl())))
                .orElse(null);
    }

    /** An actor's avatar by its own query: for a page about one actor (a member's page). */
    String avatar(long actorId) {
        return avatars.computeIfAbsent(
                        actorId, id -> Optional.ofNullable(media.pictures(id).icon()))
                .orElse(null);
    }
}
