package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of content: a post (Lemmy's Page, Mastodon's Note), a comment (a Note with
 * {@code inReplyTo}), an Article, Question, Video, Event or Image.
 *
 * <p>{@code audience} is the community the content belongs to (FEP-1b12). {@code language} is
 * Lemmy's language object; {@code contentMap} keys are the languages other servers declare.
 */
@JsonPropertyOrder({"id", "type", "attributedTo", "to", "cc", "audience", "name", "content", "mediaType", "source"})
public record ContentObject(
        String id,
        ObjectType type,

        @JsonFormat(with = JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED)
        List<String> attributedTo,

        String name,
        String content,
        Map<String, String> contentMap,
        String mediaType,
        Source source,
        String summary,
        Boolean sensitive,
        String inReplyTo,
        List<String> to,
        List<String> cc,
        String audience,
        List<Tag> tag,
        List<Attachment> attachment,
        Image image,
        String url,
        LanguageTag language,
        String context,
        Boolean stickied,
        Boolean distinguished,
        Boolean commentsEnabled,
        Instant startTime,
        Instant endTime,
        Instant published,
        Instant updated)
        implements ActivityPubDocument {

    public ContentObject {
        attributedTo = attributedTo == null ? List.of() : List.copyOf(attributedTo);
        contentMap = contentMap == null ? Map.of() : new LinkedHashMap<>(contentMap);
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        tag = tag == null ? List.of() : List.copyOf(tag);
        attachment = attachment == null ? List.of() : List.copyOf(attachment);
    }

    @Override
    public String typeName() {
        return type.name();
    }

    /** The author: the first attributedTo entry (PeerTube lists the account, then the channel). */
    public String author() {
        return attributedTo.isEmpty() ? null : attributedTo.getFirst();
    }

    /** Declared languages: contentMap keys, else Lemmy's language identifier. */
    public List<String> languages() {
        List<String> languages = new ArrayList<>(contentMap.keySet());
        if (languages.isEmpty() && language != null && language.identifier() != null) {
            languages.add(language.identifier());
        }
        return List.copyOf(languages);
    }

    /** Whether its author addressed it to the public (see {@link Addressing}). */
    public boolean addressedToPublic() {
        return Addressing.toPublic(to, cc);
    }

    /** Whether it names any addressee at all; some servers leave that to the activity around it. */
    public boolean addressed() {
        return !to.isEmpty() || !cc.isEmpty();
    }

    /** Every addressee, to and cc together. */
    public List<String> recipients() {
        List<String> all = new ArrayList<>(to);
        all.addAll(cc);
        return List.copyOf(all);
    }
}
