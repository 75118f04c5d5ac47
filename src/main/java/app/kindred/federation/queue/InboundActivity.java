package app.kindred.federation.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/** A stored, verified activity waiting to be applied. */
public record InboundActivity(
        long id, String activityId, String type, URI actor, String inbox, JsonNode body, String scheme, int attempts) {}
