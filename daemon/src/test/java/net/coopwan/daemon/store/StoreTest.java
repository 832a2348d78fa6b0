package net.coopwan.daemon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.api.Event;

class StoreTest {

    @TempDir
    Path dir;

    @Test
    void freshStoreIsMigratedToTheNewestSchemaInARealH2File() throws Exception {
        try (Store s = Store.open(dir.resolve("state"))) {
            assertEquals(Migrations.DESCRIPTIONS.size(), s.schemaVersion());
            assertTrue(Files.size(s.file()) > 0, "H2 file written: " + s.file());
        }
    }

    @Test
    void eventsSurviveARestart() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        try (Store s = Store.open(dir)) {
            EventLog log = new EventLog(s, clock);
            log.record("uplink wan", "eth1 up -> down (operstate down)");
            log.record("config", "reloaded /etc/config/coopwan");
        }
        try (Store s = Store.open(dir)) {
            List<Event> events = new EventLog(s, clock).newest(10);
            assertEquals(2, events.size());
            assertEquals("config", events.get(0).source(), "newest first");
            assertEquals("eth1 up -> down (operstate down)", events.get(1).message());
            assertEquals(Instant.parse("2026-11-24T10:00:00Z"), events.get(1).time());
            assertEquals(Migrations.DESCRIPTIONS.size(), s.schemaVersion(), "migrations are not re-applied");
        }
    }

    @Test
    void aSecondDaemonOnTheSameStateDirIsRefused() throws Exception {
        try (Store s = Store.open(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> Store.open(dir));
            assertTrue(e.getMessage().contains("in use by another coopwan (pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
    }

    @Test
    void aDatabaseFromANewerCoopwanIsRefusedAndLeftUntouched() throws Exception {
        try (Store s = Store.open(dir)) {
            synchronized (s) {
                try (Statement st = s.connection().createStatement()) {
                    st.execute("INSERT INTO schema_version VALUES (99, 'from the future', CURRENT_TIMESTAMP)");
                }
            }
        }
        StoreException e = assertThrows(StoreException.class, () -> Store.open(dir));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        // Still refused the second time: nothing was rolled back or rewritten.
        assertThrows(StoreException.class, () -> Store.open(dir));
    }

    @Test
    void eventLogKeepsOnlyTheNewestRows() throws Exception {
        try (Store s = Store.open(dir)) {
            EventLog log = new EventLog(s, Clock.systemUTC());
            int n = EventLog.RETAINED + 250;
            for (int i = 0; i < n; i++) {
                log.record("test", "event " + i);
            }
            int count;
            synchronized (s) {
                try (Statement st = s.connection().createStatement();
                     var rs = st.executeQuery("SELECT COUNT(*) FROM event_log")) {
                    rs.next();
                    count = rs.getInt(1);
                }
            }
            assertTrue(count <= EventLog.RETAINED + 100 && count >= EventLog.RETAINED, "rows kept: " + count);
            assertEquals("event " + (n - 1), log.newest(1).get(0).message());
        }
    }

    /** What a kill -9 leaves: H2 stops without writing anything more, no clean-shutdown mark. */
    private static void crash(Store s) {
        synchronized (s) {
            try (Statement st = s.connection().createStatement()) {
                st.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException closedByIt) {
                // the statement closes its own connection
            }
        }
        s.close();
    }

    /**
     * H2 2.x writes its file header before it records the chunk just written as the last one, so
     * a chunk that lands in reused space away from where the previous chunk predicted is found by
     * no crash recovery until a later commit. On this state file, left by a helper at the end of
     * the failover benchmark, the first commit after open was lost at every kill -9.
     */
    @Test
    void aCommitSurvivesAKillRightAfterItOnAStateFileADaemonLeft() throws Exception {
        Files.createDirectories(dir);
        try (InputStream in = StoreTest.class.getResourceAsStream("daemon-state-v4.mv.db")) {
            Files.copy(in, dir.resolve("coopwan.mv.db"), StandardCopyOption.REPLACE_EXISTING);
        }
        long before;
        Store s = Store.open(dir);
        EmergencyStore emergencies = new EmergencyStore(s);
        before = emergencies.startedTotal();
        emergencies.started("cwe-test", "coop-test", "helper", Instant.parse("2026-12-06T22:00:00Z"));
        crash(s);
        try (Store reopened = Store.open(dir)) {
            assertEquals(before + 1, new EmergencyStore(reopened).startedTotal(), "the committed start is kept");
            assertEquals(List.of(new EmergencyStore.Running("cwe-test", "coop-test", "helper")),
                    new EmergencyStore(reopened).running().stream().filter(r -> r.pathName().equals("cwe-test")).toList());
        }
    }

    /**
     * Model check: random sessions of commits (emergency starts and ends, events), each ended by a
     * clean stop or a crash, with compaction forced often. After each reopen the store holds
     * exactly what was committed.
     */
    @Test
    void everyCommitSurvivesRandomCrashesAndCompactions() throws Exception {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        long started = 0;
        int running = 0;
        long lastEvent = -1;
        for (int session = 0; session < 40; session++) {
            Store s = Store.open(dir, 64 * 1024);
            EmergencyStore emergencies = new EmergencyStore(s);
            EventLog log = new EventLog(s, Clock.systemUTC());
            String where = "seed " + seed + ", session " + session;
            assertEquals(started, emergencies.startedTotal(), where);
            assertEquals(running, emergencies.running().size(), where);
            if (lastEvent >= 0) {
                String newest = log.newest(1).get(0).message();
                assertTrue(newest.startsWith("event " + lastEvent + " "), where + ": newest event " + newest);
            }
            int commits = r.nextInt(4) == 0 ? 1 + r.nextInt(40) : 1 + r.nextInt(3);
            for (int i = 0; i < commits; i++) {
                switch (r.nextInt(3)) {
                    case 0 -> {
                        emergencies.started("cwe" + (started + 1), "coop-" + r.nextInt(3), "helper", Instant.now());
                        started++;
                        running++;
                    }
                    case 1 -> {
                        if (running > 0 && emergencies.ended(emergencies.running().get(0).pathName(), r.nextInt(1 << 20), 7, 0, 0)) {
                            running--;
                        }
                    }
                    default -> log.record("test", "event " + ++lastEvent + " " + "x".repeat(r.nextInt(900)));
                }
            }
            if (r.nextBoolean()) {
                crash(s);
            } else {
                s.close();
            }
            assertTrue(Files.size(dir.resolve("coopwan.mv.db")) < 2 * 1024 * 1024,
                    where + ": file compacted, " + Files.size(dir.resolve("coopwan.mv.db")) + " bytes");
        }
    }
}
