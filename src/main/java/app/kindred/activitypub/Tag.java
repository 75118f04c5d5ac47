package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An entry of an object's "tag". Other tag types (Lemmy's CommunityPostTag...) are skipped. */
public sealed interface Tag {

    /** Someone named in the text; Lemmy also mentions the community a post goes to. */
    @JsonPropertyOrder({"type", "href", "name"})
    record Mention(String href, String name) implements Tag {
        @JsonProperty("type")
        public String type() {
            return "Mention";
        }
    }

    @JsonPropertyOrder({"type", "href", "name"})
    record Hashtag(String href, String name) implements Tag {
        @JsonProperty("type")
        public String type() {
            return "Hashtag";
        }
    }

    /** A custom emoji (Mastodon's toot:Emoji): a :shortcode: and its image. */
    @JsonPropertyOrder({"id", "type", "name", "icon"})
    record Emoji(String id, String name, Image icon) implements Tag {
        @JsonProperty("type")
        public String type() {
            return "Emoji";
        }
    }
}
