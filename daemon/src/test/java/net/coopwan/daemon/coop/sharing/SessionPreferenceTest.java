package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The seed's [0146] preference, with the notes' test literally: index.html moves, files/x.iso stays. */
class SessionPreferenceTest {

    final SessionPreference pref = new SessionPreference();

    @Test
    void theSeedsExample() {
        assertTrue(pref.eligible(80, "www.example.com", "/index.html"));
        assertFalse(pref.eligible(80, "www.example.com", "/files/x.iso"));
    }

    @Test
    void httpsIsDecidedByTheHostAloneAndOtherPortsNeverMove() {
        assertTrue(pref.eligible(443, "news.example.org", null));
        assertFalse(pref.eligible(443, "Download.Example.ORG", null), "case does not matter");
        assertFalse(pref.eligible(443, "cdn-files.example.net", null));
        assertTrue(pref.eligible(443, null, null), "unknown host: only the port is known");
        assertFalse(pref.eligible(22, "www.example.com", null));
        assertFalse(pref.eligible(8080, "www.example.com", "/index.html"));
    }

    @Test
    void patternsAreGlobsAndConfigurable() {
        SessionPreference p = new SessionPreference(Set.of(443, 8443), List.of("*.iso", "updates.*", "exact.example"));
        assertFalse(p.eligible(443, null, "/debian/netinst.ISO"));
        assertFalse(p.eligible(8443, "updates.vendor.example", null));
        assertFalse(p.eligible(443, "exact.example", null));
        assertTrue(p.eligible(443, "not-exact.example", null), "no star: the whole text");
        assertTrue(p.eligible(443, "www.example.com", "/download/x"), "the seed's patterns replaced");
        assertThrows(IllegalArgumentException.class, () -> new SessionPreference(Set.of(0), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SessionPreference(Set.of(80), List.of(" ")));
    }

    /** Against a regex built from the glob: the same answer on random texts, and no pattern is slow. */
    @Test
    void globAgreesWithARegexOnRandomInput() {
        Random r = new Random(146);
        String alphabet = "ab*";
        for (int i = 0; i < 20_000; i++) {
            String p = randomText(r, alphabet, 8);
            String t = randomText(r, "ab", 12);
            String regex = p.replace("*", ".*");
            assertTrue(SessionPreference.glob(p, t) == t.matches(regex), p + " vs " + t);
        }
        String evil = "*a".repeat(50) + "*b";
        long start = System.nanoTime();
        assertFalse(SessionPreference.glob(evil, "a".repeat(5000)));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "a hostile pattern does not blow up");
    }

    private static String randomText(Random r, String alphabet, int max) {
        int n = r.nextInt(max + 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
