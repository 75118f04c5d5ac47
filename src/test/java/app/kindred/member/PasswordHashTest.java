package app.kindred.member;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void roundTrip() {
        var hash = PasswordHash.hash("correct horse battery", random);
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertTrue(PasswordHash.matches("correct horse battery", hash));
        assertFalse(PasswordHash.matches("correct horse batterz", hash));
        assertFalse(PasswordHash.matches("", hash));
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertNotEquals(PasswordHash.hash("a long password", random), PasswordHash.hash("a long password", random));
    }

    @Test
    void unreadableStoredHashNeverMatches() {
        assertFalse(PasswordHash.matches("anything", "plain-text"));
        assertFalse(PasswordHash.matches("anything", "$argon2id$v=19$m=x,t=2,p=1$AAAA$AAAA"));
        assertFalse(PasswordHash.matches("anything", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA"));
        assertFalse(PasswordHash.matches("anything", "$argon2id$v=19$m=19456,t=2,p=1$!!!$AAAA"));
    }

    /** A hash made elsewhere with the reference implementation (argon2 CLI, same parameters) verifies. */
    @Test
    void verifiesReferenceVector() {
        // echo -n password | argon2 somesalt -id -m 16 -t 2 -p 1 -l 32  (RFC 9106 style parameters, m in KiB = 65536)
        var reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertTrue(PasswordHash.matches("password", reference));
        assertFalse(PasswordHash.matches("Password", reference));
    }
}
