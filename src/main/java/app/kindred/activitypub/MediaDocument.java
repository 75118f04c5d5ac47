package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A media attachment other than a plain image: Mastodon sends "Document" for every upload,
 * others "Video" or "Audio". {@code type} keeps the wire name.
 */
@JsonPropertyOrder({"type", "url", "mediaType", "name"})
public record MediaDocument(String type, String url, String mediaType, String name) implements Attachment {}
