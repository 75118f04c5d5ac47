package app.kindred.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A client's key tells clients apart within one process and says nothing about the address. */
class ClientKeysTest {
    @Test
    void theSameAddressGetsTheSameKeyAndAnotherAnotherKey() {
        var keys = new ClientKeys(new SecureRandom());
        assertEquals(keys.of("198.51.100.7"), keys.of("198.51.100.7"));
        assertNotEquals(keys.of("198.51.100.7"), keys.of("198.51.100.8"));
    }

    @Test
    void theKeyIsNeitherTheAddressNorItsPlainHashAndChangesWithEachProcess() throws Exception {
        var address = "198.51.100.7";
        var key = new ClientKeys(new SecureRandom()).of(address);
        assertFalse(key.contains(address));
        assertFalse(key.contains("198"));
        var plain = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Arrays.copyOf(
                        MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8)), 16));
        assertNotEquals(plain, key, "a plain hash of an address can be reversed by trying every address");
        assertNotEquals(key, new ClientKeys(new SecureRandom()).of(address), "a restart makes a new secret");
    }
}
