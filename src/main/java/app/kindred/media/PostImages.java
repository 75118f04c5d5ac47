package app.kindred.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a post shows of its link and images, for the API and the pages alike: read from the post's
 * stored attachments (ours and other servers', one shape), every image at an address on this
 * server, nothing from an instance whose media is rejected.
 */
public final class PostImages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IMAGE_PATH = Pattern.compile("\\.(jpe?g|png|gif|webp)$", Pattern.CASE_INSENSITIVE);

    /** An image as shown: our address, its alt text (null when the sender gave none), its size when known. */
    public record Shown(String url, String alt, Integer width, Integer height) {}

    private final MediaProxy proxy;

    PostImages(MediaProxy proxy) {
        this.proxy = proxy;
    }

    /** A link post's address, when it is one a page may link to (http or https). */
    public static String link(String url) {
        return host(url) == null ? null : url;
    }

    /** The host a link is shown with, so a reader sees where it leads before opening it. */
    public static String host(String url) {
        if (url == null) return null;
        try {
            var uri = new URI(url);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return scheme.equals("http") || scheme.equals("https") ? uri.getHost() : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The small picture Lemmy sends with a link post ({@code image}), through the proxy. */
    public String thumbnail(String extras) {
        return proxy.url(tree(extras).path("thumbnail").asText(null));
    }

    /**
     * Images among the stored attachments (Image, or a Document of an image type), in order; a
     * link whose path ends in an image extension (Lemmy's image post) counts as one, with no alt.
     */
    public List<Shown> images(String extras, String postUrl) {
        var out = new ArrayList<Shown>();
        // Most posts have no attachments: no JSON is parsed for them (issue 14: every card of a page asked).
        var attachments = extras == null || !extras.contains("\"attachments\"")
                ? JSON.missingNode()
                : tree(extras).path("attachments");
        for (var a : attachments) {
            var type = a.path("type").asText("");
            var mediaType = a.path("mediaType").asText("");
            if (!(type.equals("Image") || type.equals("Document") && mediaType.startsWith("image/"))) continue;
            var url = proxy.url(a.path("href").asText(null));
            if (url == null) continue;
            out.add(new Shown(
                    url,
                    a.path("name").asText(null),
                    a.has("width") ? a.get("width").asInt() : null,
                    a.has("height") ? a.get("height").asInt() : null));
        }
        if (out.isEmpty()
                && link(postUrl) != null
                && IMAGE_PATH
                        .matcher(String.valueOf(URI.create(postUrl).getPath()))
                        .find()) {
            var proxied = proxy.url(postUrl);
            if (proxied != null) out.add(new Shown(proxied, null, null, null));
        }
        return out;
    }

    private static JsonNode tree(String extras) {
        try {
            return JSON.readTree(extras == null || extras.isBlank() ? "{}" : extras);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
