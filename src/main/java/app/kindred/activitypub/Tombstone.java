package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** What remains of a deleted object; {@code formerType} says what it was, if the server tells. */
@JsonPropertyOrder({"id", "type", "formerType", "deleted"})
public record Tombstone(String id, String formerType, Instant deleted) implements ActivityPubDocument {

    @JsonProperty("type")
    @Override
    public String typeName() {
        return "Tombstone";
    }
}
