package net.coopwan.daemon.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.secure.PairingKey;

class PairingStoreTest {

    @TempDir
    Path dir;

    private static PairingKey key(int fill) {
        byte[] s = new byte[32];
        byte[] a = new byte[32];
        Arrays.fill(s, (byte) fill);
        Arrays.fill(a, (byte) (fill + 1));
        return PairingKey.of(s, a);
    }

    @Test
    void theRouterIdAndThePairingsSurviveARestart() throws Exception {
        Instant t = Instant.parse("2026-11-24T06:00:00Z");
        String id;
        try (Store s = Store.open(dir)) {
            PairingStore ps = new PairingStore(s);
            id = ps.routerId(new SecureRandom());
            assertTrue(id.matches("coop-[0-9a-f]{16}"), id);
            assertEquals(id, ps.routerId(new SecureRandom()), "drawn once");
            ps.save("coop-0001", "100.64.77.2", key(7), t);
            ps.save("coop-0002", "100.64.77.3", key(9), t);
            ps.save("coop-0001", "100.64.77.4", key(11), t.plusSeconds(5)); // a new pairing replaces the old
            ps.updateAddress("coop-0002", "100.64.77.5");
        }
        try (Store s = Store.open(dir)) {
            PairingStore ps = new PairingStore(s);
            assertEquals(id, ps.routerId(new SecureRandom()));
            List<PairingStore.Paired> all = ps.paired();
            assertEquals(2, all.size());
            assertEquals("coop-0001", all.get(0).peerId());
            assertEquals("100.64.77.4", all.get(0).address());
            assertArrayEquals(key(11).channelSecret(), all.get(0).key().channelSecret());
            assertArrayEquals(key(11).advertKey(), all.get(0).key().advertKey());
            assertEquals(t.plusSeconds(5), all.get(0).pairedAt());
            assertEquals("100.64.77.5", all.get(1).address());
            assertTrue(new AgreementStore(s).peer("coop-0001").isPresent(), "a paired peer is a peer");
            assertTrue(ps.unpair("coop-0002"));
            assertFalse(ps.unpair("coop-0002"));
            new AgreementStore(s).deletePeer("coop-0001");
            assertTrue(ps.paired().isEmpty(), "forgetting the peer forgets its pairing");
        }
    }
}
