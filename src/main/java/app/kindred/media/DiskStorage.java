package app.kindred.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/** Files in one folder under the data folder, written to a temporary name and moved into place whole. */
public final class DiskStorage implements MediaStorage {
    /** Keys are ours (hex and an extension), so no key can climb out of the folder. */
    private static final Pattern KEY = Pattern.compile("[a-z0-9]{8,80}\\.(jpg|png)");

    private final Path dir;

    public DiskStorage(Path dir) {
        this.dir = dir;
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        var tmp = Files.createTempFile(dir, "upload-", ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, path(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    private Path path(String key) {
        if (!KEY.matcher(key).matches()) throw new IllegalArgumentException("not a media key: " + key);
        return dir.resolve(key);
    }
}
