package net.coopwan.daemon.uplink.failure;

import static net.coopwan.daemon.uplink.failure.SimulatedUplink.MS;
import static net.coopwan.daemon.uplink.failure.UplinkFailureDetectorTest.withTargets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.uplink.failure.UplinkVerdict.State;

/**
 * Lines whose round trip is longer than the black-hole time (a geostationary satellite, a
 * bufferbloated DSL line under upload): slow is not dead. The silence rules wait at least twice
 * the recent probe RTT, and a dead slow line is still found.
 */
class UplinkFailureRttTest {

    @Test
    void aSatelliteLineOf700MsIsNeverFailedNotEvenAtStart() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.rttNanos = 700 * MS;
        assertEquals(0, line.run(5000), "verdicts " + line.verdicts);
        assertEquals(State.HEALTHY, line.detector.state());
    }

    @Test
    void aLineWhoseRttGrowsFrom20To1200MsUnderLoadIsNotFailed() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.backgroundRxPerTick = 2;
        line.backgroundTxPerTick = 2;
        assertEquals(0, line.run(3000));
        // The queue fills in steps: each step holds the replies back for the step's growth.
        for (long rtt = 100; rtt <= 1200; rtt += 100) {
            line.rttNanos = rtt * MS;
            assertEquals(0, line.run(1000), "at " + rtt + " ms: " + line.verdicts);
        }
        assertEquals(0, line.run(5000), "5 s at 1200 ms: " + line.verdicts);
    }

    @Test
    void aDeadSatelliteLineIsFoundWithinTwiceItsRttAndATick() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.rttNanos = 700 * MS;
        assertEquals(0, line.run(5000));
        line.dead = true;
        long cut = line.now;
        UplinkVerdict v = line.runUntilChange(10_000).orElseThrow();
        assertEquals(State.FAILED, v.state());
        long took = v.atNanos() - cut;
        assertTrue(took <= 2 * 700 * MS + 100 * MS + line.tickNanos, "failed after " + took / MS + " ms: " + v);
        assertTrue(took >= 2 * 700 * MS - 700 * MS, "not before the slow replies were due: " + took / MS + " ms");
    }

    @Test
    void aLineDeadFromTheStartIsFailedWithinTheProbeDownTime() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.dead = true;
        line.deadChatterEveryTicks = 4; // ARP from the modem keeps rx moving
        long start = line.now;
        UplinkVerdict v = line.runUntilChange(5000).orElseThrow();
        long took = v.atNanos() - start;
        UplinkFailureSettings s = line.settings;
        assertTrue(took <= (s.probeTimeoutMs() + s.probeDownCount() * s.probeIntervalMs()) * MS + 2 * line.tickNanos,
                "failed after " + took / MS + " ms: " + v);
    }

    @Test
    void aRoundTripBeyondTheCapStillFailsWithinTheCap() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.rttNanos = 4000 * MS;
        line.run(20_000);
        line.verdicts.clear();
        for (int i = 0; i < 10_000 && line.detector.state() != State.HEALTHY; i++) {
            line.step();
        }
        assertEquals(State.HEALTHY, line.detector.state(), "a 4 s line is up once its replies arrive");
        line.dead = true;
        long cut = line.now;
        UplinkVerdict v = line.runUntilChange(20_000).orElseThrow();
        assertTrue(v.atNanos() - cut <= UplinkFailureDetector.MAX_SILENCE_MS * MS + 200 * MS,
                "failed after " + (v.atNanos() - cut) / MS + " ms");
    }
}
