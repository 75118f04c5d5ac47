package app.kindred.media;

import java.io.IOException;
import java.util.Optional;

/**
 * Where image files live, by key (a random name we chose, never one a member gave). Local disk by
 * default; an object store would be a second implementation of these three calls.
 */
public interface MediaStorage {
    void put(String key, byte[] bytes) throws IOException;

    Optional<byte[]> get(String key) throws IOException;

    void delete(String key) throws IOException;
}
