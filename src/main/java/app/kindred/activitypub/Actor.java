package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A Person, Group (community, FEP-1b12), Application (instance actor), Service or Organization.
 *
 * <p>{@code moderators} is the community's moderators collection. Lemmy publishes it as a Group's
 * {@code attributedTo}; the reader fills it from either field. {@code rules} is Kindred's list of a
 * community's guidelines, {@code contentWarningPolicy} its content-warning policy and
 * {@code crisisResources} where its members can turn for help; {@code anonymousPosting} whether its
 * members may post under a pseudonym and {@code applicationQuestions} what a private community asks
 * those who apply (issue 17; docs/federation.md). {@code suspended}
 * is Mastodon's {@code toot:suspended}: true while the actor's own server has suspended it.
 */
@JsonPropertyOrder({
    "id",
    "type",
    "preferredUsername",
    "name",
    "summary",
    "source",
    "inbox",
    "outbox",
    "followers",
    "following",
    "featured",
    "moderators",
    "attributedTo",
    "endpoints",
    "publicKey",
    "assertionMethod"
})
public record Actor(
        String id,
        ActorType type,
        String preferredUsername,
        String name,
        String summary,
        Source source,
        String inbox,
        String outbox,
        String followers,
        String following,
        String featured,
        String moderators,

        @JsonFormat(with = JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED)
        List<String> attributedTo,

        Endpoints endpoints,
        PublicKey publicKey,
        List<Multikey> assertionMethod,
        Image icon,
        Image image,
        String url,
        Boolean manuallyApprovesFollowers,
        Boolean discoverable,
        Boolean indexable,
        Boolean postingRestrictedToMods,
        Boolean sensitive,
        String matrixUserId,
        Instant published,
        Instant updated,
        List<GroupRule> rules,
        GroupWarningPolicy contentWarningPolicy,
        List<GroupCrisisResource> crisisResources,
        Boolean anonymousPosting,
        List<String> applicationQuestions,
        Boolean suspended)
        implements ActivityPubDocument {

    public Actor {
        attributedTo = attributedTo == null ? List.of() : List.copyOf(attributedTo);
        assertionMethod = assertionMethod == null ? List.of() : List.copyOf(assertionMethod);
        rules = rules == null ? List.of() : List.copyOf(rules);
        crisisResources = crisisResources == null ? List.of() : List.copyOf(crisisResources);
        applicationQuestions = applicationQuestions == null ? List.of() : List.copyOf(applicationQuestions);
    }

    @Override
    public String typeName() {
        return type.name();
    }

    /** The shared inbox if the actor's server has one, else null. */
    public String sharedInbox() {
        return endpoints == null ? null : endpoints.sharedInbox();
    }
}
