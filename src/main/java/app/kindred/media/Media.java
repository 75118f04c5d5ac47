package app.kindred.media;

import java.time.Instant;

/** An uploaded image as stored: served at /media/{fileKey}; alt text is what a screen reader says. */
public record Media(
        long id,
        String fileKey,
        Long ownerId,
        String contentType,
        int width,
        int height,
        int bytes,
        String alt,
        Instant createdAt,
        Instant removedAt) {
    public boolean removed() {
        return removedAt != null;
    }
}
