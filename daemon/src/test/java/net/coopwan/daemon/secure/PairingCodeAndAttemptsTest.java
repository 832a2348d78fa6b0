package net.coopwan.daemon.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

class PairingCodeAndAttemptsTest {

    @Test
    void codeIsEightDigitsShownGrouped() throws Exception {
        SecureRandom rng = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            PairingCode c = PairingCode.generate(rng);
            assertTrue(c.display().matches("\\d{4}-\\d{4}"), c.display());
            assertEquals(c, PairingCode.parse(c.display()));
        }
        assertEquals("0012-3456", PairingCode.parse("00123456").display());
        assertEquals("1234-5678", PairingCode.parse(" 1234 5678 ").display());
        assertEquals("1234-5678", PairingCode.parse("12-34-56-78").display());
        assertEquals("1234-5678", PairingCode.parse("1234\t-\t5678").display());
        assertFalse(PairingCode.parse("1234-5678").toString().contains("1234"));
        for (String bad : new String[] {"", "1234-567", "1234-56789", "1234_5678", "12345678a", "١٢٣٤٥٦٧٨"}) {
            PairingException e = assertThrows(PairingException.class, () -> PairingCode.parse(bad), bad);
            assertEquals(PairingFailure.BAD_CODE_FORMAT, e.failure());
        }
        assertThrows(PairingException.class, () -> PairingCode.parse(null));
    }

    @Test
    void fiveWrongCodesPerPeerPerHourThenLockedOut() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-24T04:00:00Z"));
        PairingAttempts att = new PairingAttempts(clock);
        for (int i = 0; i < 5; i++) {
            assertTrue(att.check("router-b").allowed());
            att.recordFailure("router-b");
            clock.advance(Duration.ofMinutes(1));
        }
        PairingAttempts.Decision d = att.check("router-b");
        assertFalse(d.allowed());
        assertTrue(d.reason().startsWith("locked out: 5 wrong pairing codes from router-b within 1 h"), d.reason());
        assertEquals(Instant.parse("2026-11-24T05:00:00Z"), d.retryAfter());
        assertEquals(PairingFailure.LOCKED_OUT, assertThrows(PairingException.class, () -> att.require("router-b")).failure());
        assertTrue(att.check("router-c").allowed(), "another peer is not locked out");
        // the oldest failure (04:00) leaves the window at 05:00
        clock.set(Instant.parse("2026-11-24T04:59:59Z"));
        assertFalse(att.check("router-b").allowed());
        clock.set(Instant.parse("2026-11-24T05:00:00Z"));
        assertTrue(att.check("router-b").allowed());
        assertEquals(4, att.failures("router-b"));
        assertEquals(3, att.refused());
    }

    @Test
    void chargeBeforeRound3AndRefundOnSuccess() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-24T04:00:00Z"));
        PairingAttempts att = new PairingAttempts(clock, 3, 4, Duration.ofHours(1));
        att.recordFailure("b");
        att.recordFailure("b");          // charged before round 3 ...
        att.recordSuccess("b");          // ... and the peer's confirmation verified
        assertEquals(0, att.failures("b"));
        att.recordFailure("c");
        att.recordFailure("d");
        assertTrue(att.check("e").allowed(), "3 charges left in all: b's first, c, d");
        att.recordFailure("e");          // e abandons after our round 3: stays charged
        PairingAttempts.Decision d = att.check("f");
        assertFalse(d.allowed(), "4 failures in all");
        assertTrue(d.reason().contains("from all peers"), d.reason());
    }

    @Test
    void rotatingPeerIdsHitTheTotalLimit() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-24T04:00:00Z"));
        PairingAttempts att = new PairingAttempts(clock);
        for (int i = 0; i < 20; i++) {
            assertTrue(att.check("attacker-" + i).allowed());
            att.recordFailure("attacker-" + i);
        }
        assertFalse(att.check("attacker-20").allowed());
        clock.advance(Duration.ofHours(1));
        assertTrue(att.check("attacker-20").allowed());
    }

    @Test
    void clockSteppingBackDoesNotLockForever() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-24T04:00:00Z"));
        PairingAttempts att = new PairingAttempts(clock, 1, 5, Duration.ofHours(1));
        att.recordFailure("b");
        clock.advance(Duration.ofDays(-30));
        assertFalse(att.check("b").allowed());
        clock.advance(Duration.ofMinutes(61));
        assertTrue(att.check("b").allowed());
    }
}
