package net.coopwan.daemon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

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
}
