package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An ActivityStreams Link: a URL with a media type, as Lemmy sends for a link post. */
@JsonPropertyOrder({"type", "href", "mediaType", "name"})
public record Link(String href, String mediaType, String name) implements Attachment {

    @JsonProperty("type")
    public String type() {
        return "Link";
    }
}
