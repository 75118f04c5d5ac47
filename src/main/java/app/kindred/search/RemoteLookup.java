package app.kindred.search;

/**
 * Finds what a pasted handle or URL names on its own server, storing a community so it can be read
 * and followed here. The federation side implements it; search only asks. Only called for a
 * signed-in member, and every fetch goes through the address-checked fetcher.
 */
public interface RemoteLookup {
    /** What a handle or URL named. */
    sealed interface Found {
        record Community(long id) implements Found {}

        record Post(long id) implements Found {}
    }

    /** @throws app.kindred.refusal.Refusal not found (404) when its server does not answer with something we can show */
    Found lookUp(String handleOrUrl);
}
