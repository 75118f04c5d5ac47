package app.kindred.activitypub;

/** Collection types; the constant names are the wire names. */
public enum CollectionType {
    Collection,
    OrderedCollection,
    CollectionPage,
    OrderedCollectionPage;

    /** Ordered collections carry their members in "orderedItems", the others in "items". */
    public boolean ordered() {
        return this == OrderedCollection || this == OrderedCollectionPage;
    }
}
