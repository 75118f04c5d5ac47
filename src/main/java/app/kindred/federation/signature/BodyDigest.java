package app.kindred.federation.signature;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** Body digests: the legacy {@code Digest} header (RFC 3230) and RFC 9530 {@code Content-Digest}. */
public final class BodyDigest {

    private BodyDigest() {}

    /** What comparing a digest header with the body found. */
    public enum Check {
        MATCHES,
        MISMATCH,
        NO_SUPPORTED_ALGORITHM,
        MALFORMED
    }

    public static String digestHeader(byte[] body) {
        return "SHA-256=" + Base64.getEncoder().encodeToString(hash("SHA-256", body));
    }

    public static String contentDigestHeader(byte[] body) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(hash("SHA-256", body)) + ":";
    }

    /** Checks a {@code Digest} value such as {@code SHA-256=<b64>, SHA-512=<b64>}; the strongest known one decides. */
    public static Check checkDigest(String headerValue, byte[] body) {
        byte[] sha512 = null;
        byte[] sha256 = null;
        for (String part : headerValue.split(",")) {
            String entry = part.strip();
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                return Check.MALFORMED;
            }
            String algorithm = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = entry.substring(eq + 1).strip();
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                if (algorithm.equals("sha-256") || algorithm.equals("sha-512")) {
                    return Check.MALFORMED;
                }
                continue;
            }
            if (algorithm.equals("sha-512")) {
                sha512 = decoded;
            } else if (algorithm.equals("sha-256")) {
                sha256 = decoded;
            }
        }
        return compare(sha512, sha256, body);
    }

    /** Checks an RFC 9530 {@code Content-Digest} dictionary; the strongest known algorithm decides. */
    public static Check checkContentDigest(String headerValue, byte[] body) {
        Map<String, StructuredFields.Member> dictionary;
        try {
            dictionary = StructuredFields.parseDictionary(headerValue);
        } catch (StructuredFields.MalformedFieldException e) {
            return Check.MALFORMED;
        }
        byte[] sha512 = bytesOf(dictionary.get("sha-512"));
        byte[] sha256 = bytesOf(dictionary.get("sha-256"));
        if ((dictionary.containsKey("sha-512") && sha512 == null)
                || (dictionary.containsKey("sha-256") && sha256 == null)) {
            return Check.MALFORMED;
        }
        return compare(sha512, sha256, body);
    }

    private static byte[] bytesOf(StructuredFields.Member member) {
        if (member instanceof StructuredFields.Item item && item.value() instanceof StructuredFields.SfBytes bytes) {
            return bytes.value();
        }
        return null;
    }

    private static Check compare(byte[] sha512, byte[] sha256, byte[] body) {
        if (sha512 != null) {
            return MessageDigest.isEqual(sha512, hash("SHA-512", body)) ? Check.MATCHES : Check.MISMATCH;
        }
        if (sha256 != null) {
            return MessageDigest.isEqual(sha256, hash("SHA-256", body)) ? Check.MATCHES : Check.MISMATCH;
        }
        return Check.NO_SUPPORTED_ALGORITHM;
    }

    private static byte[] hash(String algorithm, byte[] body) {
        try {
            return MessageDigest.getInstance(algorithm).digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
