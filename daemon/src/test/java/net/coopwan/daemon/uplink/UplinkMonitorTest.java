package net.coopwan.daemon.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.StateChange;
import net.coopwan.daemon.api.UplinkStateChanged;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.control.StateChanges;
import net.coopwan.daemon.control.UplinkStates;
import net.coopwan.daemon.store.EventLog;
import net.coopwan.daemon.store.Store;

class UplinkMonitorTest {

    @TempDir
    Path dir;

    private static NetInterface dev(String oper, boolean admin) {
        return new NetInterface(3, "eth1", 1, "", 1500, admin, oper, 0, InterfaceCounters.ZERO);
    }

    @Test
    void recordsOneReadableEventPerStateChangeAndNoneWhenStable() throws Exception {
        Uplink wan = new Uplink("wan", "eth1", true, 0, 0);
        try (Store store = Store.open(dir)) {
            EventLog log = new EventLog(store, Clock.systemUTC());
            UplinkMonitor m = new UplinkMonitor(log);
            assertEquals(1, m.observe(List.of(UplinkStates.of(wan, dev("up", true)))));
            assertEquals(0, m.observe(List.of(UplinkStates.of(wan, dev("up", true)))));
            assertEquals(1, m.observe(List.of(UplinkStates.of(wan, dev("down", false)))));
            assertEquals(1, m.observe(List.of(UplinkStates.of(wan, null))));
            assertEquals(List.of(
                    "eth1 down -> missing (no such device)",
                    "eth1 up -> down (operstate down, admin down)",
                    "eth1 up"), log.newest(10).stream().map(e -> e.message()).toList());
            assertEquals("uplink wan", log.newest(1).get(0).source());
        }
    }

    @Test
    void stateRules() {
        Uplink on = new Uplink("wan", "eth1", true, 0, 0);
        Uplink off = new Uplink("wan", "eth1", false, 0, 0);
        assertEquals(UplinkStatus.State.DISABLED, UplinkStates.of(off, dev("up", true)).state());
        assertEquals(UplinkStatus.State.MISSING, UplinkStates.of(on, null).state());
        assertEquals(UplinkStatus.State.UP, UplinkStates.of(on, dev("unknown", true)).state(), "TUN style");
        assertEquals(UplinkStatus.State.DOWN, UplinkStates.of(on, dev("unknown", false)).state());
        assertEquals(UplinkStatus.State.DOWN, UplinkStates.of(on, dev("lowerlayerdown", true)).state());
    }

    @Test
    void publishesTypedChangesAfterTheFirstPollOffTheLockAndSurvivesAThrowingListener() throws Exception {
        Uplink wan = new Uplink("wan", "eth1", true, 0, 0);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        StateChanges bus = new StateChanges();
        List<StateChange> got = new ArrayList<>();
        AtomicInteger throwing = new AtomicInteger();
        try (Store store = Store.open(dir)) {
            UplinkMonitor m = new UplinkMonitor(new EventLog(store, Clock.systemUTC()), bus::publish,
                    Clock.fixed(t, ZoneOffset.UTC));
            bus.subscribe(c -> {
                throwing.incrementAndGet();
                throw new IllegalStateException("listener bug");
            });
            AutoCloseable sub = bus.subscribe(c -> {
                // Off the monitor's lock: another thread can use the monitor meanwhile.
                Thread other = new Thread(() -> m.observe(List.of(UplinkStates.of(wan, dev("down", true)))));
                other.start();
                try {
                    other.join(5000);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertEquals(false, other.isAlive(), "the monitor's lock is free while listeners run");
                got.add(c);
            });
            m.observe(List.of(UplinkStates.of(wan, dev("up", true))));
            assertEquals(List.of(), got, "the first poll has no previous state: nothing published");
            m.observe(List.of(UplinkStates.of(wan, dev("down", true))));
            assertEquals(List.of(new UplinkStateChanged("wan", "eth1", UplinkStatus.State.UP, UplinkStatus.State.DOWN, t)),
                    got);
            assertEquals(1, throwing.get());
            assertEquals(1, bus.listenerFailures());
            sub.close();
            sub.close();
            assertEquals(1, bus.listenerCount());
            m.observe(List.of(UplinkStates.of(wan, null)));
            assertEquals(1, got.size(), "unsubscribed");
        }
    }
}
