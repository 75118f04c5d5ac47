package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration for the wire: lenient in what a document may contain, strict and
 * compact out, and bounded in what it will parse at all ({@link #networkReader}).
 */
public final class ActivityPubJson {

    /** Real documents nest a few levels (Announce{Create{Note}}); far deeper is an attack. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** The longest string value: a post's HTML fits many times over; more is an attack or a mistake. */
    public static final int MAX_STRING_LENGTH = 1 << 20;

    /**
     * The longest document, as a backstop behind the transport's own caps (server.max_body_bytes for
     * the inbox, RemoteFetcher.Limits for fetches), which normally refuse first.
     */
    public static final long MAX_DOCUMENT_LENGTH = 8L << 20;

    private ActivityPubJson() {}

    /** A new mapper: omits nulls and empty lists/maps, ISO-8601 dates, ignores unknown fields. */
    public static ObjectMapper newMapper() {
        return builder().build();
    }

    /**
     * The one reader of everything that arrives from the network (inbox bodies, fetched documents,
     * WebFinger and NodeInfo answers): the wire configuration with limits on depth, string and
     * document length, and no second reading of the same bytes (no trailing data after the document,
     * no duplicate keys, which another parser might read differently). New rules for network input
     * belong here, so every door gets them at once.
     */
    public static ObjectMapper networkReader() {
        return builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    private static JsonMapper.Builder builder() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY));
    }
}
