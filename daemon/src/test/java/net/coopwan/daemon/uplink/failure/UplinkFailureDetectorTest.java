package net.coopwan.daemon.uplink.failure;

import static net.coopwan.daemon.uplink.failure.SimulatedUplink.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.uplink.failure.UplinkVerdict.State;

class UplinkFailureDetectorTest {

    static ProbeTarget target(int last) {
        try {
            return ProbeTarget.icmp((Inet4Address) InetAddress.getByAddress(new byte[] {(byte) 198, 18, 1, (byte) last}));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static UplinkFailureSettings withTargets(int n) {
        List<ProbeTarget> t = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            t.add(target(i));
        }
        return UplinkFailureSettings.DEFAULTS.withTargets(t);
    }

    @Test
    void carrierDownFailsAtTheNextTick() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        assertEquals(0, line.run(3000));
        line.carrier = false;
        long cut = line.now;
        UplinkVerdict v = line.step().orElseThrow();
        assertEquals(State.FAILED, v.state());
        assertEquals("carrier down", v.reason());
        assertEquals(cut + line.tickNanos, v.atNanos());
        assertTrue(v.evidence().startsWith("carrier down for 0 ms; "), v.evidence());
    }

    @Test
    void blackHoleIsDeclaredOneTickAfterBlackholeMsOfSilenceWhileSending() {
        SimulatedUplink line = new SimulatedUplink(UplinkFailureSettings.DEFAULTS, 1);
        line.backgroundRxPerTick = 3;
        line.backgroundTxPerTick = 2;
        assertEquals(0, line.run(3000));
        long lastReceived = line.now;
        line.dead = true;
        UplinkVerdict v = line.runUntilChange(5000).orElseThrow();
        assertEquals("black-hole", v.reason());
        assertEquals(600 * MS + line.tickNanos, v.atNanos() - lastReceived,
                "the first unanswered packet is seen one tick after the last received one");
        assertEquals(v.atNanos() - lastReceived, v.sinceEvidenceNanos());
        assertEquals("no packet received for 625 ms while 50 sent", v.evidence());
    }

    @Test
    void silenceWithNothingGoingOutNeverFails() {
        SimulatedUplink line = new SimulatedUplink(UplinkFailureSettings.DEFAULTS, 1);
        line.backgroundRxPerTick = 1;
        line.backgroundTxPerTick = 1;
        line.run(1000);
        line.backgroundRxPerTick = 0;
        line.backgroundTxPerTick = 0;
        assertEquals(0, line.run(600_000), "10 minutes of an idle line");
        assertEquals(State.HEALTHY, line.detector.state());
    }

    @Test
    void oneBurstOutThenSilenceNeverFails() {
        // The last ACKs of a download go out in one tick and nothing answers them.
        SimulatedUplink line = new SimulatedUplink(UplinkFailureSettings.DEFAULTS, 1);
        line.backgroundRxPerTick = 1;
        line.backgroundTxPerTick = 1;
        line.run(1000);
        line.backgroundRxPerTick = 0;
        line.backgroundTxPerTick = 0;
        line.tx += 40;
        assertEquals(0, line.run(60_000));
        // Packets going out again after the pause start a new count: two at consecutive ticks
        // and no answer is a black-hole 600 ms after the first of them, not at once.
        line.tx += 1;
        assertEquals(Optional.empty(), line.step());
        long first = line.now;
        line.tx += 1;
        UplinkVerdict v = line.runUntilChange(1000).orElseThrow();
        assertEquals("black-hole", v.reason());
        assertEquals(600 * MS, v.atNanos() - first);
        assertTrue(v.evidence().endsWith("while 2 sent"), v.evidence());
    }

    @Test
    void oneDeadTargetOfThreeNeverFailsTheUplink() {
        SimulatedUplink line = new SimulatedUplink(withTargets(3), 7);
        line.targetDead[1] = true;
        assertEquals(0, line.run(600_000));
        assertEquals("DOWN", line.detector.targetCounters().get(1).liveness());
        assertEquals("UP", line.detector.targetCounters().get(0).liveness());
        // A second dead target is still below the default threshold (all three) ...
        line.targetDead[2] = true;
        assertEquals(0, line.run(60_000));
        // ... and the third fails it, within a second, by probes (other packets still arrive).
        line.backgroundRxPerTick = 1;
        line.targetDead[0] = true;
        UplinkVerdict v = line.runUntilChange(1000).orElseThrow();
        assertEquals("probes unanswered", v.reason());
    }

    @Test
    void oneLostProbeRoundNeverFails() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.run(2000);
        // Every probe of one 100 ms round is lost, and the replies of the one before.
        line.dead = true;
        line.run(100);
        line.dead = false;
        assertEquals(0, line.run(60_000));
        assertTrue(line.detector.targetCounters().stream().allMatch(c -> c.lost() >= 1), "probes were lost");
    }

    @Test
    void fiveLostInARowAreStillNotDown() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.backgroundRxPerTick = 1; // the black-hole rule stays quiet: probes alone are tested
        line.run(2000);
        line.targetDead[0] = line.targetDead[1] = true;
        line.run(500); // 5 probes to each target lost
        line.targetDead[0] = line.targetDead[1] = false;
        assertEquals(0, line.run(10_000));
        line.targetDead[0] = line.targetDead[1] = true;
        long dead = line.now;
        UplinkVerdict v = line.runUntilChange(1000).orElseThrow();
        assertEquals("probes unanswered", v.reason());
        // both targets silent for blackholeMs while probed: before the sixth loss is counted
        assertTrue(v.evidence().contains("no reply for"), v.evidence());
        assertTrue((v.atNanos() - dead) / MS <= 650, v.line());
    }

    @Test
    void recoveryNeedsRecoverMsOfRepliesFromTheThreshold() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.run(2000);
        line.dead = true;
        assertEquals(State.FAILED, line.runUntilChange(1000).orElseThrow().state());
        line.run(5000);
        line.dead = false;
        long restored = line.now;
        UplinkVerdict v = line.runUntilChange(10_000).orElseThrow();
        assertEquals(State.HEALTHY, v.state());
        assertEquals("recovered", v.reason());
        long took = v.atNanos() - restored;
        assertTrue(took >= 2000 * MS && took <= 2000 * MS + 100 * MS + line.rttNanos + 2 * line.tickNanos,
                "recovery took " + took / MS + " ms");
        assertTrue(v.sinceEvidenceNanos() >= 2000 * MS);
        assertTrue(v.evidence().contains("(2 of 2 answering)"), v.evidence());

        // One target answering of two is not evidence enough.
        line.dead = true;
        line.runUntilChange(1000).orElseThrow();
        line.dead = false;
        line.targetDead[0] = true;
        assertEquals(0, line.run(30_000));
        assertEquals(State.FAILED, line.detector.state());
    }

    @Test
    void repliesFromBeforeTheFailureAreNoEvidence() {
        // Carrier goes and comes back faster than 6 lost probes: the targets never went DOWN, but
        // the line stays dead a while longer, so the recover time counts from the first new reply.
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.run(2000);
        line.carrier = false;
        line.dead = true;
        assertEquals("carrier down", line.step().orElseThrow().reason());
        line.run(300);
        line.carrier = true;
        assertEquals(0, line.run(300));
        assertTrue(line.detector.targetCounters().stream().allMatch(c -> c.liveness().equals("UP")));
        line.dead = false;
        long restored = line.now;
        UplinkVerdict v = line.runUntilChange(5000).orElseThrow();
        assertTrue(v.atNanos() - restored >= 2000 * MS, "recovered " + (v.atNanos() - restored) / MS
                + " ms after the line came back");
    }

    @Test
    void carrierMustBeUpToRecover() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.run(2000);
        line.carrier = false;
        line.step().orElseThrow();
        // Probes still answer (a dying modem reports carrier loss first), but carrier is down.
        assertEquals(0, line.run(10_000));
        line.carrier = true;
        long up = line.now;
        UplinkVerdict v = line.runUntilChange(5000).orElseThrow();
        assertEquals(2000 * MS + line.tickNanos, v.atNanos() - up);
    }

    @Test
    void withoutTargetsReceivedPacketsAreTheEvidence() {
        SimulatedUplink line = new SimulatedUplink(UplinkFailureSettings.DEFAULTS, 1);
        line.backgroundRxPerTick = 1;
        line.backgroundTxPerTick = 1;
        line.run(1000);
        line.carrier = false;
        line.step().orElseThrow();
        line.carrier = true;
        line.backgroundRxPerTick = 0;
        assertEquals(0, line.run(10_000), "carrier alone brings nothing back when nothing is received");
        line.backgroundRxPerTick = 1;
        UplinkVerdict v = line.runUntilChange(5000).orElseThrow();
        assertEquals(State.HEALTHY, v.state());
    }

    @Test
    void flappingDoublesTheRecoverTimeUpToEightAndALongHealthyPeriodResetsIt() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.run(2000);
        long[] expected = {2000, 4000, 8000, 16_000, 16_000};
        for (long want : expected) {
            line.carrier = false;
            line.step().orElseThrow();
            line.carrier = true;
            long up = line.now;
            UplinkVerdict v = line.runUntilChange(30_000).orElseThrow();
            assertEquals(State.HEALTHY, v.state());
            long took = v.atNanos() - up; // from the first reply after carrier up
            assertTrue(took >= want * MS && took <= (want + 100 + 20 + 50) * MS, "recover time " + took / MS);
            assertEquals(want / 2000, v.recoverFactor());
            line.run(10_000); // healthy for 10 s: within the 60 s flap window
        }
        line.run(300_000);
        line.carrier = false;
        line.step().orElseThrow();
        line.carrier = true;
        long up = line.now;
        UplinkVerdict v = line.runUntilChange(30_000).orElseThrow();
        assertTrue(v.atNanos() - up <= 2170 * MS, "reset after 5 minutes healthy");
        assertEquals(1, v.recoverFactor());
    }

    @Test
    void lateRepliesKeepASlowLineUpAndTheTimeoutFollowsTheRtt() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        assertEquals(0, line.run(3000));
        line.rttNanos = 550 * MS; // the first probes after the jump are "lost" after 300 ms, their replies late
        assertEquals(0, line.run(60_000));
        long late = line.detector.targetCounters().get(0).late();
        assertTrue(late > 0 && late < 10, "late replies only until the timeout followed the RTT: " + late);
        assertEquals(0, line.detector.targetCounters().get(0).ignored());
        // Replies later than the longest timeout come after their probes were forgotten:
        // ignored, and the line is down once nothing arrives for twice the RTT it had.
        line.rttNanos = (UplinkFailureDetector.MAX_SILENCE_MS + 1000) * MS;
        long jump = line.now;
        UplinkVerdict v = line.runUntilChange(10_000).orElseThrow();
        assertEquals("probes unanswered", v.reason());
        // The replies in flight at the jump still arrive for 550 ms; then 2 x 550 ms of silence.
        assertTrue(v.atNanos() - jump <= (550 + 1100) * MS + 2 * line.tickNanos, (v.atNanos() - jump) / MS + " ms");
    }

    @Test
    void unknownAndDuplicateRepliesAreIgnoredAndCounted() {
        UplinkFailureDetector d = new UplinkFailureDetector(withTargets(2));
        d.onProbeReply(0, 5, 0); // nothing sent yet
        d.onProbeSent(0, 1, 0);
        d.onProbeReply(0, 1, MS);
        d.onProbeReply(0, 1, 2 * MS); // duplicate
        d.onProbeReply(0, 9, 2 * MS); // never sent
        d.onProbeReply(0, -3, 2 * MS);
        UplinkFailureDetector.TargetCounters c = d.targetCounters().get(0);
        assertEquals(1, c.replied());
        assertEquals(4, c.ignored());
        assertEquals(Optional.empty(), d.tick(3 * MS));
    }

    @Test
    void probeNumbersMustIncrease() {
        UplinkFailureDetector d = new UplinkFailureDetector(withTargets(2));
        d.onProbeSent(0, 4, 0);
        try {
            d.onProbeSent(0, 4, 1);
            throw new AssertionError("accepted a repeated probe number");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("must increase"), e.getMessage());
        }
    }

    @Test
    void countersGoingBackwardsStartANewBaseline() {
        UplinkFailureDetector d = new UplinkFailureDetector(UplinkFailureSettings.DEFAULTS);
        d.onLink(true, 1000, 1000, 0);
        d.tick(0);
        // The device was re-created: counters restart from 0 and then only tx moves.
        long t = 25 * MS;
        d.onLink(true, 0, 0, t);
        assertEquals(Optional.empty(), d.tick(t));
        for (int i = 1; i <= 24; i++) {
            d.onLink(true, 0, i, t + i * 25 * MS);
            assertEquals(Optional.empty(), d.tick(t + i * 25 * MS), "tick " + i);
        }
        d.onLink(true, 0, 25, t + 25 * 25 * MS);
        assertEquals("black-hole", d.tick(t + 25 * 25 * MS).orElseThrow().reason());
    }

    @Test
    void negativeTimesWorkLikeAnyOther() {
        // System.nanoTime() has an arbitrary origin: the same story from -10 s, across 0.
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1, -10_000 * MS);
        assertEquals(0, line.run(9_000));
        line.dead = true;
        long cut = line.now;
        UplinkVerdict v = line.runUntilChange(1000).orElseThrow();
        assertEquals("black-hole", v.reason());
        assertTrue(v.atNanos() < 0 && v.atNanos() - cut < 700 * MS, "declared at " + v.atNanos() / MS);
        line.dead = false;
        long restored = line.now;
        UplinkVerdict back = line.runUntilChange(5000).orElseThrow();
        assertTrue(back.atNanos() > 0 && back.atNanos() - restored >= 2000 * MS
                && back.atNanos() - restored < 2200 * MS, "recovered at " + back.atNanos() / MS);
    }

    @Test
    void verdictLineIsOneReadableLine() {
        UplinkVerdict v = new UplinkVerdict(State.FAILED, "black-hole", "no packet received for 612 ms while 34 sent",
                637 * MS, 0, 2);
        assertEquals("FAILED (black-hole) after 637 ms of evidence: no packet received for 612 ms while 34 sent; "
                + "recover time x2", v.line());
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 1);
        line.run(1000);
        assertEquals(State.HEALTHY, line.detector.verdict(line.now).state());
        assertTrue(line.detector.verdict(line.now).evidence().contains("198.18.1.2 lost 0 of last 10"));
    }

    /**
     * A line that passes nothing but whose modem still answers ARP keeps the device's rx counter
     * moving: the black-hole rule on the probes (no reply from any target while each was probed
     * twice) still declares it after blackholeMs, not after the slower rule of 6 lost probes.
     */
    @Test
    void aBlackHoleWithLinkChatterIsDeclaredByTheProbesSilence() {
        SimulatedUplink line = new SimulatedUplink(withTargets(2), 7);
        line.deadChatterEveryTicks = 8; // a frame every 200 ms
        assertEquals(0, line.run(3000));
        long cut = line.now;
        line.dead = true;
        UplinkVerdict v = line.runUntilChange(5000).orElseThrow();
        assertEquals(State.FAILED, v.state());
        assertEquals("probes unanswered", v.reason());
        long ms = (v.atNanos() - cut) / MS;
        assertTrue(ms >= 600 && ms <= 650, "declared " + ms + " ms after the cut: " + v.line());
        assertTrue(v.evidence().contains("no reply for"), v.evidence());
    }
}
