package app.kindred.web.pages;

import app.kindred.media.MediaService;
import app.kindred.media.PostImages;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a page shows of its posts' links and images and their authors' avatars. One per page
 * rendered, so each author's avatar is looked up once however many of their comments it shows.
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

    String avatar(long actorId) {
        return avatars.computeIfAbsent(
                        actorId, id -> Optional.ofNullable(media.pictures(id).icon()))
                .orElse(null);
    }
}
