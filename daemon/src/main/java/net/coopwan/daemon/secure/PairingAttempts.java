package net.coopwan.daemon.secure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Limits wrong pairing codes: at most {@code perPeer} failures per peer and {@code total}
 * failures over all peers within a sliding {@code window}; beyond that new attempts are refused
 * with {@link PairingFailure#LOCKED_OUT} until the oldest failure leaves the window. The total
 * limit matters because a peer id is whatever the other side claims: an attacker who changes its
 * id every try still gets only {@code total} guesses per window.
 *
 * <p>How to count: a J-PAKE run gives the other side one guess, which it can check against our
 * round 3 MAC without ever sending its own round 3. So charge the attempt <em>before</em> sending
 * round 3 ({@link #recordFailure}) and take it back when the peer's confirmation verifies ({@link
 * #recordSuccess}); a run abandoned after our round 3 then stays counted as a wrong code.
 *
 * <p>A clock that steps backwards does not extend a lockout beyond one window: stored times later
 * than now are treated as now. Thread-safe (synchronized).
 *
 * <p>Defaults 5 per peer, 20 in all, per hour: an attacker's odds against an 8-digit code are at
 * most 20 / 10^8 per hour, while an owner who mistypes a few times is not locked out.
 */
public final class PairingAttempts {
    public static final int DEFAULT_PER_PEER = 5;
    public static final int DEFAULT_TOTAL = 20;
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** Peers remembered at most; older peers are forgotten (the total limit still holds). */
    static final int MAX_PEERS = 256;

    /** Whether an attempt may start, and if not why and until when. */
    public record Decision(boolean allowed, String reason, Instant retryAfter) {
        static final Decision ALLOW = new Decision(true, "", null);
    }

    private final Clock clock;
    private final int perPeer;
    private final int total;
    private final Duration window;
    private final Map<String, ArrayDeque<Instant>> failures = new LinkedHashMap<>();
    private final ArrayDeque<Instant> all = new ArrayDeque<>();
    private long refused;

    public PairingAttempts(Clock clock) {
        this(clock, DEFAULT_PER_PEER, DEFAULT_TOTAL, DEFAULT_WINDOW);
    }

    public PairingAttempts(Clock clock, int perPeer, int total, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (perPeer < 1 || total < perPeer || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("need 1 <= perPeer <= total and a positive window");
        }
        this.perPeer = perPeer;
        this.total = total;
        this.window = window;
    }

    /** May a pairing with {@code peerId} start now? A refusal is counted. */
    public synchronized Decision check(String peerId) {
        Instant now = clock.instant();
        prune(now);
        ArrayDeque<Instant> f = failures.get(peerId);
        if (f != null && f.size() >= perPeer) {
            refused++;
            Instant until = f.peekFirst().plus(window);
            return new Decision(false, "locked out: " + f.size() + " wrong pairing codes from " + peerId
                    + " within " + human(window) + "; try again after " + until, until);
        }
        if (all.size() >= total) {
            refused++;
            Instant until = all.peekFirst().plus(window);
            return new Decision(false, "locked out: " + all.size() + " wrong pairing codes from all peers within "
                    + human(window) + "; try again after " + until, until);
        }
        return Decision.ALLOW;
    }

    /** Like {@link #check} but throws {@link PairingFailure#LOCKED_OUT}. */
    public void require(String peerId) throws PairingException {
        Decision d = check(peerId);
        if (!d.allowed()) {
            throw new PairingException(PairingFailure.LOCKED_OUT, d.reason());
        }
    }

    /** Charges one guess to {@code peerId}: before sending round 3, or on a wrong code. */
    public synchronized void recordFailure(String peerId) {
        Instant now = clock.instant();
        prune(now);
        if (!failures.containsKey(peerId) && failures.size() >= MAX_PEERS) {
            Iterator<String> it = failures.keySet().iterator();
            it.next();
            it.remove();
        }
        ArrayDeque<Instant> f = failures.computeIfAbsent(peerId, k -> new ArrayDeque<>());
        f.addLast(now);
        while (f.size() > perPeer) {
            f.removeFirst();
        }
        all.addLast(now);
        while (all.size() > total) {
            all.removeFirst();
        }
    }

    /**
     * A pairing with {@code peerId} succeeded: forget its failures, and take back one charge from
     * the total (the one made before round 3).
     */
    public synchronized void recordSuccess(String peerId) {
        if (failures.remove(peerId) != null && !all.isEmpty()) {
            all.removeLast();
        }
    }

    /** Failures of {@code peerId} still inside the window. */
    public synchronized int failures(String peerId) {
        prune(clock.instant());
        ArrayDeque<Instant> f = failures.get(peerId);
        return f == null ? 0 : f.size();
    }

    /** Attempts refused so far. */
    public synchronized long refused() {
        return refused;
    }

    private void prune(Instant now) {
        Instant cutoff = now.minus(window);
        clamp(all, now);
        while (!all.isEmpty() && !all.peekFirst().isAfter(cutoff)) {
            all.removeFirst();
        }
        for (Iterator<ArrayDeque<Instant>> it = failures.values().iterator(); it.hasNext();) {
            ArrayDeque<Instant> f = it.next();
            clamp(f, now);
            while (!f.isEmpty() && !f.peekFirst().isAfter(cutoff)) {
                f.removeFirst();
            }
            if (f.isEmpty()) {
                it.remove();
            }
        }
    }

    private static void clamp(ArrayDeque<Instant> q, Instant now) {
        if (!q.isEmpty() && q.peekLast().isAfter(now)) {
            int n = q.size();
            for (int i = 0; i < n; i++) {
                Instant t = q.removeFirst();
                q.addLast(t.isAfter(now) ? now : t);
            }
        }
    }

    private static String human(Duration d) {
        return d.toMinutes() % 60 == 0 && d.toHours() > 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
