package net.coopwan.daemon.uplink.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.Test;


class UplinkFailureRunnerTest {
    private static final long MS = 1_000_000L;

    /** A device whose counters the fake probers move, as the kernel would. */
    static final class FakeDevice implements DeviceReader {
        volatile boolean present = true;
        volatile boolean carrier = true;
        volatile long rx;
        volatile long tx;

        @Override
        public Reading read(String name) {
            return present && name.equals("wan") ? new Reading(carrier, rx, tx) : null;
        }
    }

    /** Answers every probe at once unless the line is dead; counts foreign datagrams it is fed. */
    static final class FakeProber implements Prober {
        final ProbeTarget target;
        final FakeDevice dev;
        final ArrayDeque<Long> queued = new ArrayDeque<>();
        volatile boolean dead;
        boolean closed;
        int sent;

        FakeProber(ProbeTarget target, FakeDevice dev) {
            this.target = target;
            this.dev = dev;
        }

        @Override
        public ProbeTarget target() {
            return target;
        }

        @Override
        public synchronized boolean send(long seq) {
            sent++;
            dev.tx++;
            if (!dead) {
                queued.add(seq);
            }
            return true;
        }

        @Override
        public synchronized int drain(LongConsumer replies, int max) {
            int n = 0;
            while (n < max && !queued.isEmpty()) {
                dev.rx++;
                replies.accept(queued.poll());
                n++;
            }
            return n;
        }

        @Override
        public long ignored() {
            return 0;
        }

        @Override
        public long sendFailures() {
            return 0;
        }

        @Override
        public String lastError() {
            return "";
        }

        @Override
        public synchronized void close() {
            closed = true;
        }
    }

    private final FakeDevice dev = new FakeDevice();
    private final UplinkFailureSettings settings = UplinkFailureDetectorTest.withTargets(2);
    private final List<FakeProber> probers = List.of(new FakeProber(settings.targets().get(0), dev),
            new FakeProber(settings.targets().get(1), dev));
    private final List<UplinkVerdict> changes = new CopyOnWriteArrayList<>();

    private UplinkFailureRunner runner() {
        return new UplinkFailureRunner("wan", settings, dev, probers, (d, v) -> changes.add(v));
    }

    @Test
    void probesEachTargetEveryIntervalSpreadOverItAndReportsChanges() {
        UplinkFailureRunner r = runner();
        long t = 0;
        for (int i = 0; i < 40; i++, t += 25 * MS) { // 1 s
            r.step(t);
        }
        assertEquals(10, probers.get(0).sent);
        assertEquals(10, probers.get(1).sent);
        assertEquals(List.of(), changes);
        dev.carrier = false;
        r.step(t);
        assertEquals("carrier down", changes.get(0).reason());
        assertEquals(changes.get(0), r.verdict());
        dev.carrier = true;
        for (int i = 0; i < 100; i++) {
            t += 25 * MS;
            r.step(t);
        }
        assertEquals("recovered", changes.get(1).reason());
        dev.present = false; // the device vanished (a USB modem unplugged)
        r.step(t += 25 * MS);
        assertEquals("carrier down", changes.get(2).reason());
        r.close();
        assertTrue(probers.get(0).closed && probers.get(1).closed);
    }

    @Test
    void aThrowingListenerIsCountedAndTheRunnerGoesOn() {
        UplinkFailureRunner r = new UplinkFailureRunner("wan", settings, dev, probers, (d, v) -> {
            throw new IllegalStateException("listener bug");
        });
        r.step(0);
        dev.carrier = false;
        r.step(25 * MS);
        assertEquals(1, r.listenerFailures());
        assertEquals(UplinkVerdict.State.FAILED, r.verdict().state());
    }

    @Test
    void proberListMustMatchTheTargets() {
        assertThrows(IllegalArgumentException.class,
                () -> new UplinkFailureRunner("wan", settings, dev, probers.subList(0, 1), (d, v) -> { }));
        List<FakeProber> swapped = new ArrayList<>(probers);
        java.util.Collections.reverse(swapped);
        assertThrows(IllegalArgumentException.class,
                () -> new UplinkFailureRunner("wan", settings, dev, swapped, (d, v) -> { }));
    }

    @Test
    void threadDetectsADeadLineInRealTimeAndStopsOnClose() throws Exception {
        UplinkFailureRunner r = runner();
        r.start();
        assertThrows(IllegalStateException.class, r::start);
        Thread.sleep(500);
        assertEquals(List.of(), changes);
        long cut = System.nanoTime();
        probers.forEach(p -> p.dead = true);
        long deadline = cut + 3000 * MS;
        while (changes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(changes.isEmpty(), "no failure declared within 3 s");
        long took = changes.get(0).atNanos() - cut;
        assertTrue(took < 1000 * MS, "declared after " + took / MS + " ms");
        r.close();
        r.close();
        long ticks = r.ticks();
        Thread.sleep(100);
        assertEquals(ticks, r.ticks(), "no tick after close");
        assertTrue(r.ticks() > 10);
        assertEquals(0, r.tickErrors());
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(th -> th.getName().equals("coopwan-uplink-failure-wan")), "thread gone");
    }
}
