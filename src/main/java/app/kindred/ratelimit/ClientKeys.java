package app.kindred.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names a client for rate limits without its address: an HMAC-SHA256 of the address under a random
 * secret made at start-up and held only in memory. The same client gets the same key while the
 * process runs; nobody, admins included, can turn a key back into an address (addresses are few
 * enough to guess through a plain hash, not through an HMAC whose key is unknown). A restart
 * forgets everything, which for limits measured in minutes and hours costs little.
 */
public final class ClientKeys {
    private final SecretKeySpec secret;

    public ClientKeys(SecureRandom random) {
        var bytes = new byte[32];
        random.nextBytes(bytes);
        this.secret = new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** The key for a client address (or for the value of the configured proxy header). */
    public String of(String address) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            var digest = mac.doFinal(String.valueOf(address).getBytes(StandardCharsets.UTF_8));
            // 128 bits tell clients apart as well as 256 and halve the memory of the buckets' keys.
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }
}
