package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * An activity: {@code actor} does {@code type} to {@code objects}.
 *
 * <p>{@code objects} is a list because Mastodon's Flag names the account and the reported
 * statuses together; every other activity has exactly one, written back unwrapped.
 * {@code endTime} and {@code removeData} are Lemmy's ban expiry and "remove their content".
 */
@JsonPropertyOrder({"id", "type", "actor", "object", "target", "to", "cc", "audience", "summary", "content"})
public record Activity(
        String id,
        ActivityType type,
        String actor,

        @JsonProperty("object") @JsonFormat(with = JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED)
        List<Ref> objects,

        Ref target,
        List<String> to,
        List<String> cc,
        String audience,
        String summary,
        String content,
        List<Tag> tag,
        Instant published,
        Instant endTime,
        Boolean removeData)
        implements ActivityPubDocument {

    public Activity {
        if (objects == null || objects.isEmpty()) {
            throw new IllegalArgumentException("an activity needs an object");
        }
        objects = List.copyOf(objects);
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        tag = tag == null ? List.of() : List.copyOf(tag);
    }

    /** A one-object activity: the common case. */
    public static Activity of(
            String id, ActivityType type, String actor, Ref object, List<String> to, List<String> cc) {
        return new Activity(id, type, actor, List.of(object), null, to, cc, null, null, null, null, null, null, null);
    }

    /** Whether the public is among its audience, i.e. whether anyone may read it. */
    public boolean addressedToPublic() {
        return Addressing.toPublic(to, cc);
    }

    @Override
    public String typeName() {
        return type.name();
    }

    /** This activity with another (one) object, everything else as it is. */
    public Activity withObject(Ref object) {
        return new Activity(
                id,
                type,
                actor,
                List.of(object),
                target,
                to,
                cc,
                audience,
                summary,
                content,
                tag,
                published,
                endTime,
                removeData);
    }

    /** The first (usually only) object. */
    public Ref object() {
        return objects.getFirst();
    }
}
