package app.kindred.community;

import app.kindred.actor.Actor;
import java.time.Instant;

/** A community: a Group actor with its own title, description and moderators. */
public record Community(
        long id,
        Actor actor,
        String title,
        String description,
        boolean sensitive,
        boolean postingRestrictedToMods,
        boolean showModeratorNames,
        Instant createdAt,
        Instant updatedAt) {
    public String name() {
        return actor.preferredUsername();
    }
}
