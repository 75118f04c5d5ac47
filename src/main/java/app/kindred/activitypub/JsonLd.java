package app.kindred.activitypub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * Writes our own documents with the {@code @context} we emit. Term names follow Lemmy's and
 * Mastodon's contexts, so peers that match on compacted names (most do) read them as intended.
 */
public final class JsonLd {

    public static final String ACTIVITY_STREAMS = "https://www.w3.org/ns/activitystreams";
    public static final String SECURITY_V1 = "https://w3id.org/security/v1";
    public static final String DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1";
    /** Defines assertionMethod; without it JSON-LD processors (Fedify) drop our FEP-521a keys. */
    public static final String DID_V1 = "https://www.w3.org/ns/did/v1";

    public static final String MULTIKEY_V1 = "https://w3id.org/security/multikey/v1";
    public static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

    private final ObjectMapper mapper;

    public JsonLd() {
        this(ActivityPubJson.newMapper());
    }

    public JsonLd(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The @context array; a fresh copy each time, since Jackson nodes are mutable. */
    public static ArrayNode context() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode terms = json.objectNode();
        terms.put("lemmy", "https://join-lemmy.org/ns#");
        terms.put("litepub", "http://litepub.social/ns#");
        terms.put("toot", "http://joinmastodon.org/ns#");
        terms.put("pt", "https://joinpeertube.org/ns#");
        terms.put("sc", "http://schema.org/");
        terms.put("sensitive", "as:sensitive");
        terms.put("manuallyApprovesFollowers", "as:manuallyApprovesFollowers");
        terms.put("Hashtag", "as:Hashtag");
        terms.put("postingRestrictedToMods", "lemmy:postingRestrictedToMods");
        terms.set("moderators", idTerm("lemmy:moderators"));
        terms.put("stickied", "lemmy:stickied");
        terms.put("distinguished", "lemmy:distinguished");
        terms.put("removeData", "lemmy:removeData");
        terms.put("matrixUserId", "lemmy:matrixUserId");
        terms.put("expires", "as:endTime");
        terms.put("commentsEnabled", "pt:commentsEnabled");
        terms.put("language", "sc:inLanguage");
        terms.put("identifier", "sc:identifier");
        terms.set("featured", idTerm("toot:featured"));
        terms.put("discoverable", "toot:discoverable");
        terms.put("indexable", "toot:indexable");
        terms.put("suspended", "toot:suspended");
        terms.put("Emoji", "toot:Emoji");
        terms.put("kindred", "https://kindred.app/ns#");
        ObjectNode rules = json.objectNode();
        rules.put("@id", "kindred:rules");
        rules.put("@container", "@list");
        terms.set("rules", rules);
        terms.put("contentWarningPolicy", "kindred:contentWarningPolicy");
        terms.put("communityWarning", "kindred:communityWarning");
        // Issue 17: a post sent privately to a community to be published there under a pseudonym.
        terms.put("anonymous", "kindred:anonymous");
        // Issue 17: on a Group, whether members may post anonymously, and a private community's application questions.
        terms.put("anonymousPosting", "kindred:anonymousPosting");
        ObjectNode questions = json.objectNode();
        questions.put("@id", "kindred:applicationQuestions");
        questions.put("@container", "@list");
        terms.set("applicationQuestions", questions);
        ObjectNode crisisResources = json.objectNode();
        crisisResources.put("@id", "kindred:crisisResources");
        crisisResources.put("@container", "@list");
        terms.set("crisisResources", crisisResources);
        ArrayNode context = json.arrayNode();
        context.add(ACTIVITY_STREAMS);
        context.add(SECURITY_V1);
        context.add(DATA_INTEGRITY_V1);
        context.add(DID_V1);
        context.add(MULTIKEY_V1);
        context.add(terms);
        return context;
    }

    private static ObjectNode idTerm(String id) {
        ObjectNode term = JsonNodeFactory.instance.objectNode();
        term.put("@id", id);
        term.put("@type", "@id");
        return term;
    }

    /** The document as a JSON tree, {@code @context} first. */
    public ObjectNode toJson(ActivityPubDocument document) {
        ObjectNode out = mapper.createObjectNode();
        out.set("@context", context());
        out.setAll((ObjectNode) mapper.valueToTree(document));
        return out;
    }

    /** The document as UTF-8 bytes, ready to sign and send. */
    public byte[] write(ActivityPubDocument document) {
        try {
            return mapper.writeValueAsBytes(toJson(document));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
