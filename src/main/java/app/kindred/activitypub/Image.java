package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An image by URL: an actor's icon or banner, a post's thumbnail or an image attachment. */
@JsonPropertyOrder({"type", "url", "mediaType", "name"})
public record Image(String url, String mediaType, String name) implements Attachment {

    public static Image of(String url) {
        return new Image(url, null, null);
    }

    @JsonProperty("type")
    public String type() {
        return "Image";
    }
}
