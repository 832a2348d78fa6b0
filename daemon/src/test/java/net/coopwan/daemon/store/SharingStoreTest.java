package net.coopwan.daemon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bandwidth sharing in a real H2 file (schema V5): its totals beside the emergency's, with the
 * sessions moved, and the owner's stops, each surviving a reopen.
 */
class SharingStoreTest {
    @TempDir
    Path dir;

    @Test
    void sharingTotalsKeepTheirSessionsBesideTheEmergencysAndStopsSurviveAReopen() throws Exception {
        Instant t = Instant.parse("2026-12-07T10:00:00Z");
        try (Store s = Store.open(dir.resolve("state"))) {
            EmergencyStore e = new EmergencyStore(s);
            e.started("cwb0", "coop-s", "borrower", t);
            e.started("r4796", "coop-b", "sharer", t);
            e.started("r4791", "coop-b", "helper", t);
            assertTrue(e.ended("cwb0", 2_000, 90_000, 0, 0, 7));
            SharingStopStore stops = new SharingStopStore(s);
            stops.stop("coop-b", "web", t);
            stops.stop("coop-b", "cli", t.plusSeconds(1)); // twice is harmless
            stops.stop("coop-c", "luci", t.plusSeconds(2));
            stops.resume("coop-c");
            stops.resume("coop-x"); // not stopped: nothing to do
        }
        // a kill -9 here: the sharer's path is still running
        try (Store s = Store.open(dir.resolve("state"))) {
            EmergencyStore e = new EmergencyStore(s);
            assertEquals(List.of(new EmergencyStore.Running("r4791", "coop-b", "helper"),
                    new EmergencyStore.Running("r4796", "coop-b", "sharer")), e.running());
            assertTrue(e.ended("r4796", 300, 4_000, 100, 0));
            assertEquals(List.of(new EmergencyStore.Total("coop-b", "helper", 1, 0, 0, 0, 0, 0),
                    new EmergencyStore.Total("coop-b", "sharer", 1, 300, 4_000, 100, 0, 0),
                    new EmergencyStore.Total("coop-s", "borrower", 1, 2_000, 90_000, 0, 0, 7)), e.totals());
            assertEquals(1, e.startedTotal(), "sharing's paths are not emergencies");
            assertEquals(Set.of("coop-b"), new SharingStopStore(s).stopped());
        }
    }
}
