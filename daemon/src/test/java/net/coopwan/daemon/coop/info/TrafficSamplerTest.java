package net.coopwan.daemon.coop.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.UplinkStatus;

/** Averages and peaks over the last minute from byte counters, on injected monotonic time. */
class TrafficSamplerTest {

    static final long S = 1_000_000_000L;

    static UplinkStatus wan(long rxBytes, long txBytes) {
        NetInterface k = new NetInterface(3, "eth0", 1, "", 1500, true, "up", 0,
                new InterfaceCounters(rxBytes, 0, 0, 0, 0, txBytes, 0, 0, 0));
        return new UplinkStatus("wan", "eth0", true, UplinkStatus.State.UP, k);
    }

    @Test
    void averageAndPeakOverTheLastMinute() {
        TrafficSampler t = new TrafficSampler();
        assertEquals(TrafficSampler.Traffic.NONE, t.traffic("wan"));
        long rx = 0;
        long tx = 0;
        long now = 5 * S; // any origin: only differences count
        t.observe(List.of(wan(rx, tx)), now);
        assertEquals(TrafficSampler.Traffic.NONE, t.traffic("wan"), "one sample is no rate");
        // 90 s of polls: 1000 bytes/s received, 100 sent, except one second of 50 000 at second 80
        for (int i = 1; i <= 90; i++) {
            rx += i == 80 ? 50_000 : 1000;
            tx += 100;
            t.observe(List.of(wan(rx, tx)), now + i * S);
        }
        TrafficSampler.Traffic w = t.traffic("wan");
        assertEquals(60, w.windowS());
        assertEquals((59 * 1000 + 50_000) * 8 / 60, w.rxAvgBps());
        assertEquals(800, w.txAvgBps());
        assertEquals(400_000, w.rxPeakBps());
        assertEquals(800, w.txPeakBps());
        // 60 more quiet seconds push the burst out of the window
        for (int i = 91; i <= 150; i++) {
            rx += 1000;
            t.observe(List.of(wan(rx, tx)), now + i * S);
        }
        w = t.traffic("wan");
        assertEquals(8000, w.rxPeakBps());
        assertEquals(8000, w.rxAvgBps());
        assertEquals(0, w.txAvgBps());
    }

    @Test
    void aCounterResetOrAMissingDeviceStartsAgain() {
        TrafficSampler t = new TrafficSampler();
        t.observe(List.of(wan(1_000_000, 0)), 0);
        t.observe(List.of(wan(1_001_000, 0)), S);
        assertEquals(8000, t.traffic("wan").rxAvgBps());
        t.observe(List.of(wan(10, 0)), 2 * S);
        assertEquals(TrafficSampler.Traffic.NONE, t.traffic("wan"), "a counter going back is no negative rate");
        t.observe(List.of(wan(2010, 0)), 3 * S);
        assertEquals(16_000, t.traffic("wan").rxAvgBps());
        t.observe(List.of(new UplinkStatus("wan", "eth0", true, UplinkStatus.State.MISSING, null)), 4 * S);
        assertEquals(TrafficSampler.Traffic.NONE, t.traffic("wan"));
        assertEquals(UplinkStatus.State.MISSING, t.lastSeen().get(0).state());
    }

    @Test
    void hugeCountersDoNotOverflowAndTheSampleCountIsBounded() {
        TrafficSampler t = new TrafficSampler();
        long base = Long.MAX_VALUE / 4;
        // polls every 10 ms: far more than a minute's worth of samples would be kept without the bound
        for (int i = 0; i <= 1000; i++) {
            t.observe(List.of(wan(base + i * 12_500_000L, 0)), i * (S / 100));
        }
        TrafficSampler.Traffic w = t.traffic("wan");
        assertEquals(10_000_000_000.0, w.rxAvgBps(), 1.0, "10 Gbit/s, to the bit");
        assertTrue(w.windowS() <= 2, "128 samples of 10 ms: " + w.windowS());
    }
}
