package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A Collection, OrderedCollection or one of their pages: outbox, followers, moderators,
 * featured. Items are references: URIs or embedded documents.
 */
@JsonPropertyOrder({"id", "type", "totalItems", "first", "next", "partOf", "orderedItems", "items"})
public record ActivityPubCollection(
        String id,
        CollectionType type,
        Integer totalItems,
        Ref first,
        String next,
        String partOf,
        @JsonIgnore List<Ref> items)
        implements ActivityPubDocument {

    public ActivityPubCollection {
        items = items == null ? List.of() : List.copyOf(items);
    }

    @Override
    public String typeName() {
        return type.name();
    }

    /**
     * Written even when empty unless the collection is paged ({@code first}): Lemmy requires the
     * member list on a collection it fetches.
     */
    @JsonProperty("orderedItems")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    List<Ref> orderedItemsOnWire() {
        return type.ordered() && listsItems() ? items : null;
    }

    @JsonProperty("items")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    List<Ref> itemsOnWire() {
        return !type.ordered() && listsItems() ? items : null;
    }

    private boolean listsItems() {
        return first == null || !items.isEmpty();
    }
}
