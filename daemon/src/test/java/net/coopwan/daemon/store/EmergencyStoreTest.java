package net.coopwan.daemon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emergency counters in a real H2 file: they add up, end once, and survive a reopen. */
class EmergencyStoreTest {
    @TempDir
    Path dir;

    @Test
    void countersAddUpEndOnceAndSurviveAReopen() throws Exception {
        Instant t = Instant.parse("2026-12-06T22:00:00Z");
        try (Store s = Store.open(dir.resolve("state"))) {
            EmergencyStore e = new EmergencyStore(s);
            e.started("r4791", "coop-a", "helper", t);
            assertEquals(List.of(new EmergencyStore.Running("r4791", "coop-a", "helper")), e.running());
            assertTrue(e.ended("r4791", 1000, 0, 50, 3));
            assertFalse(e.ended("r4791", 1000, 0, 50, 3), "the same end is not counted twice");
            e.started("r4791", "coop-a", "helper", t);
            e.started("cwe0", "coop-a", "requester", t);
        }
        // a kill -9 here: the second help and the requester's emergency are still running
        try (Store s = Store.open(dir.resolve("state"))) {
            EmergencyStore e = new EmergencyStore(s);
            assertEquals(2, e.running().size());
            assertTrue(e.ended("r4791", 500, 0, 0, 0));
            assertTrue(e.ended("cwe0", 700, 900, 0, 0));
            assertEquals(List.of(new EmergencyStore.Total("coop-a", "helper", 2, 1500, 0, 50, 3),
                    new EmergencyStore.Total("coop-a", "requester", 1, 700, 900, 0, 0)), e.totals());
            assertEquals(3, e.startedTotal());
            assertTrue(e.running().isEmpty());
        }
    }
}
