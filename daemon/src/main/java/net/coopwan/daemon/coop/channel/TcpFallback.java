package net.coopwan.daemon.coop.channel;

/**
 * Which transport the channel with one peer uses (PROTOCOL.md 3.10): the decision only, no
 * sockets; time is injected. Not thread-safe: {@link TcpTransport} calls it under the service's
 * lock.
 *
 * <pre>
 * initiator:
 *   UDP --no authenticated packet for tcp_fallback_s--> TCP   (connect, send over the connection once open)
 *   TCP --an authenticated packet over UDP------------> UDP   (close the connection)
 *   in TCP: one keep-alive over UDP as a probe 4 s after the switch, then 8, 16, 30, 30 ... s apart
 responder (never connects, follows the initiator):
 *   sends over TCP while it holds a connection the peer proved itself on (a sealed packet over it
 *   verified); an authenticated packet over UDP while on TCP is answered at once with a keep-alive
 *   over UDP (the probe's answer), at most one a second; the initiator closes the connection when
 *   it goes back to UDP, and so the responder follows
 * </pre>
 *
 * Only the initiator decides, as only it starts sessions: two routers that both switched and
 * both connected would make two connections and argue over which one carries the channel.
 */
public final class TcpFallback {
    /** First probe of UDP after switching to TCP: a short block (firewall reload) ends quickly. */
    public static final long PROBE_FIRST_NANOS = 4_000_000_000L;
    /** Probes double up to this: a lasting block costs two keep-alives (64 bytes) per 30 s. */
    public static final long PROBE_MAX_NANOS = 30_000_000_000L;
    /**
     * The shortest silence that counts: one keep-alive period plus half of one. The peer speaks
     * once a second, so a silence of 1 s is every ordinary gap between two keep-alives (ticks are
     * 50 ms, threads get scheduled late); {@code tcp_fallback_s 1} acts as 1.5 s.
     */
    public static final long MIN_SILENCE_NANOS = PeerChannel.KEEPALIVE_NANOS * 3 / 2;
    /** The responder answers at most one probe per this. */
    public static final long ANSWER_SPACING_NANOS = 1_000_000_000L;

    /** The initiator's choice. */
    public enum Mode {
        UDP,
        TCP
    }

    private final boolean initiator;
    private final long fallbackNanos;
    private Mode mode = Mode.UDP;
    /** UDP: the silence counts from here (the later of the switch and the last authenticated packet). */
    private long silentSinceNanos;
    private long nextProbeNanos;
    private long probeGapNanos;
    private long lastAnswerNanos;
    private boolean answered;
    private String reason = "UDP first";

    public TcpFallback(boolean initiator, long fallbackNanos, long nowNanos) {
        if (fallbackNanos <= 0) {
            throw new IllegalArgumentException("fallback time must be positive: " + fallbackNanos);
        }
        this.initiator = initiator;
        this.fallbackNanos = Math.max(fallbackNanos, MIN_SILENCE_NANOS);
        this.silentSinceNanos = nowNanos;
    }

    /**
     * A packet from the peer verified (sealed packet or handshake reply) after arriving over
     * {@code over}. Returns true if the initiator's mode changed (to UDP).
     */
    public boolean heard(ChannelTransport over, long now) {
        silentSinceNanos = now;
        if (initiator && mode == Mode.TCP && over == ChannelTransport.UDP) {
            mode = Mode.UDP;
            reason = "UDP answers again";
            return true;
        }
        return false;
    }

    /** Timers; returns true if the initiator's mode changed (to TCP). */
    public boolean tick(long now) {
        if (initiator && mode == Mode.UDP && now - silentSinceNanos >= fallbackNanos) {
            mode = Mode.TCP;
            reason = "no authenticated reply over UDP for " + seconds(fallbackNanos);
            probeGapNanos = PROBE_FIRST_NANOS;
            nextProbeNanos = now + probeGapNanos;
            return true;
        }
        return false;
    }

    /** The initiator on TCP: whether to send a keep-alive over UDP now (then the next is scheduled). */
    public boolean probeDue(long now) {
        if (!initiator || mode != Mode.TCP || now - nextProbeNanos < 0) {
            return false;
        }
        probeGapNanos = Math.min(probeGapNanos * 2, PROBE_MAX_NANOS);
        nextProbeNanos = now + probeGapNanos;
        return true;
    }

    /**
     * The responder, just after a packet verified over UDP while it sent over TCP
     * ({@code wasOverTcp}): whether to answer it at once with a keep-alive over UDP (the initiator
     * is probing).
     */
    public boolean answerProbe(boolean wasOverTcp, long now) {
        if (initiator || !wasOverTcp || answered && now - lastAnswerNanos < ANSWER_SPACING_NANOS) {
            return false;
        }
        answered = true;
        lastAnswerNanos = now;
        return true;
    }

    /** Whether the initiator wants a connection to the peer. */
    public boolean wantsConnection() {
        return initiator && mode == Mode.TCP;
    }

    /** What datagrams to the peer go over, given whether a connection to it is open. */
    public ChannelTransport sendOver(boolean connectionOpen) {
        if (!connectionOpen) {
            return ChannelTransport.UDP;
        }
        return !initiator || mode == Mode.TCP ? ChannelTransport.TCP : ChannelTransport.UDP;
    }

    public Mode mode() {
        return mode;
    }

    public boolean initiator() {
        return initiator;
    }

    /** Why the initiator's mode is what it is. */
    public String reason() {
        return reason;
    }

    /** The silence that switches: the configured time, at least {@link #MIN_SILENCE_NANOS}. */
    public long fallbackNanos() {
        return fallbackNanos;
    }

    static String seconds(long nanos) {
        long ms = nanos / 1_000_000L;
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
