package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An FEP-521a key in an actor's assertionMethod, e.g. Ed25519 for object integrity proofs. */
@JsonPropertyOrder({"id", "type", "controller", "publicKeyMultibase"})
public record Multikey(String id, String controller, String publicKeyMultibase) {

    @JsonProperty("type")
    public String type() {
        return "Multikey";
    }
}
