package net.coopwan.daemon.uplink.failure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import net.coopwan.daemon.uplink.failure.TargetProbes.Liveness;
import net.coopwan.daemon.uplink.failure.UplinkVerdict.State;

/**
 * Decides whether the router's own uplink has failed, from the three signals of the seed: (a)
 * the modem's notification, here carrier down on the uplink device; (b) nothing received on the
 * device for a while although packets keep going out (a black-hole); (c) probes to several
 * Internet servers unanswered. Pure logic: the owner ({@link UplinkFailureRunner}) reads the
 * device, sends the probes, feeds what it saw and calls {@link #tick}; every method takes the
 * time as {@code nowNanos}. One owner thread; nothing here is thread-safe.
 *
 * <h2>State machine</h2>
 * <pre>
 *   HEALTHY --(carrier down | black-hole | threshold of targets down, seen at a tick)--&gt; FAILED
 *   FAILED  --(carrier up and evidence of life for recoverMs * factor, seen at a tick)--&gt; HEALTHY
 * </pre>
 * The uplink starts HEALTHY: a dead uplink at start-up is declared failed within the same
 * times as one that dies later. Evidence of life is: at least the threshold of targets UP (a
 * reply since their last run of losses) that replied since the failure or, without targets, a
 * packet received since the failure and within the last {@code blackholeMs}. It must hold at
 * every tick for the whole recover time; one tick without it starts the count again. A failure within {@code flapWindowMs} of the last recovery doubles the
 * factor (at most {@code maxFlapFactor}); {@code flapResetMs} healthy sets it back to 1.
 *
 * <h2>Black-hole rule</h2>
 * Failed when no packet was received for {@code blackholeMs} since the first packet that went
 * out unanswered, and packets were still going out after it (tx grew at two ticks or more, with
 * no pause longer than {@code blackholeMs} between them: a pause starts the count again). A
 * single burst (the last ACKs of a download) followed by silence is normal and never fires; nor
 * does silence with nothing sent. Probes go out through the uplink too, so with targets a dead
 * line always sends.
 *
 * <h2>Slow lines</h2>
 * Slow is not dead: the time of both silence rules (device and probes) is {@code blackholeMs} or
 * twice the longest of the recent probe round trips, whichever is longer, at most
 * {@link #MAX_SILENCE_MS}; each probe's timeout grows the same way. A geostationary satellite
 * (700 ms) or a DSL line whose buffer fills under upload (RTT from 20 ms to over a second) then
 * keeps working, and a dead one is found within twice its RTT. Before the first reply of any
 * target the RTT is unknown: the silence rules wait as long as a target takes to be declared
 * down ({@code probeTimeoutMs + probeDownCount * probeIntervalMs}, 900 ms by default), so a
 * line dead from the start fails within that and a line slower than it fails once, at start.
 */
public final class UplinkFailureDetector {

    /** The longest silence the rules wait for, however slow the line was: 5 s. */
    static final long MAX_SILENCE_MS = 5_000;

    private final UplinkFailureSettings settings;
    private final TargetProbes[] targets;
    private final int threshold;
    private final long blackholeNanos;
    private final long unknownRttSilenceNanos;
    private final long recoverNanos;
    private final long flapWindowNanos;
    private final long flapResetNanos;

    private State state = State.HEALTHY;

    // The device, from the last sample.
    private boolean haveSample;
    private boolean carrierUp = true;
    private long carrierDownSinceNanos;
    /** Probes sent since the last reply from any target, and when the first of them left. */
    private long probesSentSinceReply;
    private long probeSilenceSinceNanos;
    private long lastRx;
    private long lastTx;
    private long silentSinceNanos;
    // Times are compared only by difference and "unset" is a count or a flag, never a
    // sentinel value: System.nanoTime() may be negative.
    private long firstTxInSilenceNanos;
    private long lastTxInSilenceNanos;
    private int txTicksInSilence;
    private long txInSilence;
    private boolean rxSinceFailure;

    // Recovery and flap damping.
    private boolean haveEvidence;
    private long evidenceSinceNanos;
    private long failedAtNanos;
    private long lastRecoveryNanos = Long.MIN_VALUE;
    private int recoverFactor = 1;
    private long failures;

    private final long[] scratch;

    public UplinkFailureDetector(UplinkFailureSettings settings) {
        this.settings = settings;
        List<ProbeTarget> t = settings.targets();
        this.targets = new TargetProbes[t.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = new TargetProbes(t.get(i), ms(settings.probeIntervalMs()), ms(settings.probeTimeoutMs()),
                    settings.probeDownCount(), ms(MAX_SILENCE_MS));
        }
        this.threshold = settings.effectiveProbeThreshold();
        this.blackholeNanos = ms(settings.blackholeMs());
        this.unknownRttSilenceNanos = Math.max(blackholeNanos,
                ms(settings.probeTimeoutMs() + settings.probeDownCount() * settings.probeIntervalMs()));
        this.recoverNanos = ms(settings.recoverMs());
        this.flapWindowNanos = ms(settings.flapWindowMs());
        this.flapResetNanos = ms(settings.flapResetMs());
        this.scratch = new long[targets.length];
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    public UplinkFailureSettings settings() {
        return settings;
    }

    public State state() {
        return state;
    }

    /** Failures declared since construction. */
    public long failures() {
        return failures;
    }

    /** The recover-time multiple in force (1 until the uplink flaps). */
    public int recoverFactor() {
        return recoverFactor;
    }

    /**
     * One reading of the uplink device: carrier (false also when the device is missing) and its
     * {@code rx_packets} / {@code tx_packets}. Counters that go backwards (the device was
     * re-created) start a new baseline.
     */
    public void onLink(boolean carrier, long rxPackets, long txPackets, long nowNanos) {
        if (carrier != carrierUp || !haveSample) {
            carrierDownSinceNanos = nowNanos;
        }
        carrierUp = carrier;
        if (!haveSample || rxPackets < lastRx || txPackets < lastTx) {
            haveSample = true;
            silence(nowNanos);
        } else if (rxPackets > lastRx) {
            silence(nowNanos);
            rxSinceFailure = true;
        } else if (txPackets > lastTx) {
            if (txTicksInSilence == 0 || nowNanos - lastTxInSilenceNanos > silenceNanos()) {
                // After a pause as long as the rule's time an old burst says nothing about now.
                firstTxInSilenceNanos = nowNanos;
                txTicksInSilence = 0;
                txInSilence = 0;
            }
            txInSilence += txPackets - lastTx;
            txTicksInSilence++;
            lastTxInSilenceNanos = nowNanos;
        }
        lastRx = rxPackets;
        lastTx = txPackets;
    }

    private void silence(long nowNanos) {
        silentSinceNanos = nowNanos;
        txTicksInSilence = 0;
        txInSilence = 0;
    }

    /** Probe {@code seq} to target {@code target} (its index in the settings) left now. */
    public void onProbeSent(int target, long seq, long nowNanos) {
        targets[target].sent(seq, nowNanos);
        if (probesSentSinceReply == 0) {
            probeSilenceSinceNanos = nowNanos;
        }
        probesSentSinceReply++;
    }

    /** The reply to probe {@code seq} of target {@code target} arrived now (late ones too). */
    public void onProbeReply(int target, long seq, long nowNanos) {
        targets[target].reply(seq, nowNanos);
        probesSentSinceReply = 0;
    }

    /**
     * Declares lost the probes past their timeout and moves the state machine. Call it every
     * tick, after feeding that tick's observations.
     *
     * @return the verdict when the state changed, empty otherwise
     */
    public Optional<UplinkVerdict> tick(long nowNanos) {
        for (TargetProbes t : targets) {
            t.expire(nowNanos);
        }
        if (state == State.HEALTHY) {
            if (recoverFactor > 1 && nowNanos - lastRecoveryNanos >= flapResetNanos) {
                recoverFactor = 1;
            }
            String reason = failureReason(nowNanos);
            if (reason == null) {
                return Optional.empty();
            }
            if (lastRecoveryNanos != Long.MIN_VALUE && nowNanos - lastRecoveryNanos < flapWindowNanos) {
                recoverFactor = Math.min(settings.maxFlapFactor(), recoverFactor * 2);
            }
            state = State.FAILED;
            failedAtNanos = nowNanos;
            failures++;
            haveEvidence = false;
            rxSinceFailure = false;
            return Optional.of(new UplinkVerdict(State.FAILED, reason, evidence(nowNanos),
                    nowNanos - failureEvidenceStart(reason, nowNanos), nowNanos, recoverFactor));
        }
        if (!lifeSeen(nowNanos)) {
            haveEvidence = false;
            return Optional.empty();
        }
        if (!haveEvidence) {
            haveEvidence = true;
            evidenceSinceNanos = nowNanos;
        }
        if (nowNanos - evidenceSinceNanos < recoverNanos * recoverFactor) {
            return Optional.empty();
        }
        state = State.HEALTHY;
        lastRecoveryNanos = nowNanos;
        return Optional.of(new UplinkVerdict(State.HEALTHY, "recovered", evidence(nowNanos),
                nowNanos - evidenceSinceNanos, nowNanos, recoverFactor));
    }

    /** The present state with its evidence, for a status display; changes nothing. */
    public UplinkVerdict verdict(long nowNanos) {
        if (state == State.FAILED) {
            long since = haveEvidence ? nowNanos - evidenceSinceNanos : 0;
            return new UplinkVerdict(state, "failed", evidence(nowNanos), since, nowNanos, recoverFactor);
        }
        return new UplinkVerdict(state, "healthy", evidence(nowNanos), 0, nowNanos, recoverFactor);
    }

    private static final String CARRIER = "carrier down";
    private static final String BLACKHOLE = "black-hole";
    private static final String PROBES = "probes unanswered";

    private String failureReason(long nowNanos) {
        if (haveSample && !carrierUp) {
            return CARRIER;
        }
        if (blackhole(nowNanos)) {
            return BLACKHOLE;
        }
        if (probesSilent(nowNanos) || threshold > 0 && count(Liveness.DOWN) >= threshold) {
            return PROBES;
        }
        return null;
    }

    private boolean blackhole(long nowNanos) {
        return txTicksInSilence >= 2 && nowNanos - firstTxInSilenceNanos >= silenceNanos();
    }

    /** How long the silence rules wait now (see "Slow lines" above). */
    private long silenceNanos() {
        if (targets.length == 0) {
            return blackholeNanos;
        }
        if (!anyRtt()) {
            return unknownRttSilenceNanos;
        }
        long rtt = 0;
        for (TargetProbes t : targets) {
            rtt = Math.max(rtt, t.recentMaxRttNanos());
        }
        return Math.max(blackholeNanos, Math.min(ms(MAX_SILENCE_MS), 2 * rtt));
    }

    /**
     * The black-hole rule's time on our own probes: no reply from any target for
     * {@code blackholeMs} while every target was probed at least twice. It is needed because the
     * device also counts frames that are not IP: a modem or an ISP router that still answers ARP
     * on a line that passes nothing else keeps {@code rx_packets} moving, and the uplink would
     * wait for the slower count of 6 lost probes and a timeout (825 ms). Its false alarm needs as
     * many consecutive losses as the device rule does, and one target that answers stops it.
     */
    private boolean probesSilent(long nowNanos) {
        return targets.length > 0 && probesSentSinceReply >= 2L * targets.length
                && nowNanos - probeSilenceSinceNanos >= silenceNanos();
    }

    private boolean lifeSeen(long nowNanos) {
        if (!haveSample || !carrierUp) {
            return false;
        }
        if (targets.length > 0) {
            return answering() >= threshold;
        }
        return rxSinceFailure && nowNanos - silentSinceNanos < blackholeNanos;
    }

    /**
     * Targets UP that replied since the failure. A target may still be UP when the uplink fails
     * (the black-hole rule or carrier is faster than 6 lost probes); its replies from before
     * the failure prove nothing about the line after it.
     */
    private int answering() {
        int n = 0;
        for (TargetProbes t : targets) {
            if (t.liveness() == Liveness.UP && (state == State.HEALTHY || t.repliedAfter(failedAtNanos))) {
                n++;
            }
        }
        return n;
    }

    private boolean anyRtt() {
        for (TargetProbes t : targets) {
            if (t.hasRtt()) {
                return true;
            }
        }
        return false;
    }

    private int count(Liveness l) {
        int n = 0;
        for (TargetProbes t : targets) {
            if (t.liveness() == l) {
                n++;
            }
        }
        return n;
    }

    /** When the evidence for {@code reason} began: for probes, when the threshold-th target began losing. */
    private long failureEvidenceStart(String reason, long nowNanos) {
        if (reason.equals(CARRIER)) {
            return carrierDownSinceNanos;
        }
        if (reason.equals(BLACKHOLE)) {
            return silentSinceNanos;
        }
        if (probesSilent(nowNanos)) {
            return probeSilenceSinceNanos;
        }
        int n = 0;
        for (TargetProbes t : targets) {
            if (t.liveness() == Liveness.DOWN) {
                scratch[n++] = t.streakStartNanos();
            }
        }
        if (n == 0) {
            return nowNanos;
        }
        Arrays.sort(scratch, 0, n);
        return scratch[Math.min(n, threshold) - 1];
    }

    /** e.g. {@code no packet received for 612 ms while 34 sent; probes: 198.18.1.1 lost 6 of last 6, ...}. */
    private String evidence(long nowNanos) {
        List<String> parts = new ArrayList<>(3);
        if (!haveSample) {
            parts.add("no reading of the device yet");
        } else {
            if (!carrierUp) {
                parts.add("carrier down for " + (nowNanos - carrierDownSinceNanos) / 1_000_000 + " ms");
            }
            long silentMs = (nowNanos - silentSinceNanos) / 1_000_000;
            parts.add(txInSilence > 0 ? "no packet received for " + silentMs + " ms while " + txInSilence + " sent"
                    : "last packet received " + silentMs + " ms ago");
        }
        if (targets.length > 0) {
            StringBuilder b = new StringBuilder("probes: ");
            if (probesSentSinceReply > 0) {
                b.append("no reply for ").append((nowNanos - probeSilenceSinceNanos) / 1_000_000).append(" ms while ")
                        .append(probesSentSinceReply).append(" sent; ");
            }
            for (int i = 0; i < targets.length; i++) {
                b.append(i == 0 ? "" : ", ").append(targets[i].describe());
            }
            b.append(" (").append(answering()).append(" of ").append(targets.length).append(" answering")
                    .append(state == State.FAILED ? " since the failure)" : ")");
            long silence = silenceNanos();
            if (silence > blackholeNanos) {
                b.append("; silence limit ").append(silence / 1_000_000).append(" ms (")
                        .append(silence == unknownRttSilenceNanos && !anyRtt() ? "no reply yet" : "twice the recent probe RTT").append(')');
            }
            parts.add(b.toString());
        }
        return String.join("; ", parts);
    }

    /** Per-target counters for a status display: target, sent, replied, lost, late, ignored. */
    public List<TargetCounters> targetCounters() {
        List<TargetCounters> out = new ArrayList<>(targets.length);
        for (TargetProbes t : targets) {
            out.add(new TargetCounters(t.target(), t.liveness().name(), t.sentCount(), t.repliedCount(), t.lostCount(),
                    t.lateCount(), t.ignoredCount()));
        }
        return out;
    }

    /**
     * What one target's probes did since start.
     *
     * @param liveness UNKNOWN, UP or DOWN
     * @param late     replies after their probe was declared lost (they still prove the line alive)
     * @param ignored  replies to probes unknown here or already answered
     */
    public record TargetCounters(ProbeTarget target, String liveness, long sent, long replied, long lost, long late,
                                 long ignored) { }
}
