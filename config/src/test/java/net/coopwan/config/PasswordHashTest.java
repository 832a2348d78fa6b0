package net.coopwan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

    @Test
    void roundTrip() {
        String h = PasswordHash.hash("correct horse".toCharArray());
        assertTrue(PasswordHash.verify("correct horse".toCharArray(), h));
        assertFalse(PasswordHash.verify("correct horsf".toCharArray(), h));
        assertFalse(PasswordHash.verify("".toCharArray(), h));
        assertFalse(PasswordHash.verify(null, h));
        String[] parts = h.split("\\$");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals(String.valueOf(PasswordHash.ITERATIONS), parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
        assertTrue(PasswordHash.isWellFormed(h));
        assertFalse(PasswordHash.needsRehash(h));
    }

    @Test
    void saltMakesEachHashDifferent() {
        assertNotEquals(PasswordHash.hash("same".toCharArray()), PasswordHash.hash("same".toCharArray()));
    }

    @Test
    void nonAsciiPasswords() {
        String h = PasswordHash.hash("Grüße, 密码".toCharArray());
        assertTrue(PasswordHash.verify("Grüße, 密码".toCharArray(), h));
        assertFalse(PasswordHash.verify("Grusse, 密码".toCharArray(), h));
    }

    @Test
    void otherIterationCountsVerifyAndAskForARehash() {
        String h = PasswordHash.hash("pw".toCharArray(), 1_000);
        assertTrue(h.startsWith("pbkdf2-sha256$1000$"));
        assertTrue(PasswordHash.verify("pw".toCharArray(), h));
        assertTrue(PasswordHash.needsRehash(h));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash("pw".toCharArray(), 999));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash(new char[0]));
    }

    /** Known answer, so the format is PBKDF2-HMAC-SHA256 as other tools compute it. */
    @Test
    void knownAnswer() {
        String salt = Base64.getEncoder().encodeToString("saltsaltsaltsalt".getBytes());
        // Computed independently: python3 -c "import hashlib,base64;print(base64.b64encode(
        //   hashlib.pbkdf2_hmac('sha256', b'password', b'saltsaltsaltsalt', 4096)).decode())"
        String encoded = "pbkdf2-sha256$4096$" + salt + "$" + KNOWN_4096;
        assertTrue(PasswordHash.verify("password".toCharArray(), encoded));
    }

    static final String KNOWN_4096 = "FuNbErQfRlymTQaVeNdQBZd1zK1d861T1rIErLEi0e4=";

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "plaintext",
            "pbkdf2-sha256$3000$",
            "pbkdf2-sha256$3000$c2FsdHNhbHQ=",
            "pbkdf2-sha1$3000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$0$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$999$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$03000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$-3000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$99999999$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$2147483648$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$3000$!!notbase64!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$3000$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$3000$c2FsdHNhbHRzYWx0c2FsdA==$AAAA",
            "pbkdf2-sha256$3000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$extra",
            "pbkdf2-sha256$3000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ",
    })
    void malformedIsFalseNeverAnException(String encoded) {
        assertFalse(PasswordHash.verify("password".toCharArray(), encoded));
        assertFalse(PasswordHash.isWellFormed(encoded));
        assertTrue(PasswordHash.needsRehash(encoded));
    }

    @Test
    void wellFormedButWrongIsFalse() {
        assertFalse(PasswordHash.verify("password".toCharArray(),
                "pbkdf2-sha256$3000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    }
}
