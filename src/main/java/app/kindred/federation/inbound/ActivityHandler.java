package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.remote.FetchException;
import java.util.Optional;

/**
 * One small handler per activity (and, where it matters, object) type. It checks and fetches what it
 * needs (network, outside any transaction) and returns the change to apply; the rules themselves
 * live in the features ({@code thread.Posting}, {@code moderation.Moderating}) and refuse with a
 * {@code Refusal}, which the processor records as the rejection reason.
 *
 * @param viaGroup the remote community that announced this activity to us, when it came that way
 */
public interface ActivityHandler {
    Effect handle(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected;
}
