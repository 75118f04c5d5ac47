package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.actor.Actor;
import app.kindred.remote.FetchException;
import java.util.Optional;

/**
 * One small handler per activity type. It checks and fetches what it needs (network, outside any
 * transaction) and returns the change to apply.
 *
 * @param viaGroup the remote community that announced this activity to us, when it came that way
 */
public interface ActivityHandler {
    Effect handle(Activity activity, com.fasterxml.jackson.databind.JsonNode json, Actor actor, Optional<Actor> viaGroup)
            throws FetchException, Rejected;
}
