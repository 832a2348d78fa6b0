package net.coopwan.daemon.coop.channel;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import net.coopwan.daemon.secure.AeadOpener;
import net.coopwan.daemon.secure.AeadSealer;
import net.coopwan.daemon.secure.KeyExchangeException;
import net.coopwan.daemon.secure.OpenStatus;
import net.coopwan.daemon.secure.SealStatus;
import net.coopwan.daemon.secure.SessionKeys;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.TunnelDrop;

/**
 * The channel with one paired peer: session handshake, sealed keep-alives, loss detection and
 * re-establishment (PROTOCOL.md 3.9). Time is injected ({@code nowNanos}); datagrams go to an
 * {@link Outbox}; nothing here blocks or throws on input. Not thread-safe: the service calls it
 * under its lock.
 *
 * <pre>
 * initiator (lower router id):
 *   CONNECTING --HELLO_INIT every 250 ms .. 30 s (doubling, +0-25 %)--> reply verified --> ESTABLISHED
 * responder:
 *   CONNECTING --HELLO_INIT verified: keys kept as candidate, HELLO_REPLY sent
 *              --first sealed packet under the candidate verifies--> ESTABLISHED
 * both: ESTABLISHED --KEEPALIVE every 1 s; nothing authenticated for 5 s--> CONNECTING
 * </pre>
 *
 * One side initiates so that two crossing inits never make two sessions. The responder takes
 * a new session only when a packet sealed under it verifies (key confirmation by use), so a
 * replayed init makes it derive keys nobody has and the running session stays.
 */
public final class PeerChannel {
    public static final long KEEPALIVE_NANOS = 1_000_000_000L;
    public static final long DEAD_NANOS = 5_000_000_000L;
    public static final long BACKOFF_MIN_NANOS = 250_000_000L;
    public static final long BACKOFF_MAX_NANOS = 30_000_000_000L;
    /** A responder answers at most one init per this interval (a forged-init flood costs HMACs only). */
    public static final long INIT_SPACING_NANOS = 100_000_000L;

    private final String ownId;
    private final String peerId;
    private final byte[] secret;
    private final byte[] macKey;
    private final boolean initiator;
    private final RandomGenerator random;
    private final java.security.SecureRandom keyRandom;
    private final Consumer<String> log;
    private final DropCounters drops;
    private final ByteBuffer out = ByteBuffer.allocate(ChannelHeader.MAX_DATAGRAM);
    private final ByteBuffer plain = ByteBuffer.allocate(0);
    private final ByteBuffer opened = ByteBuffer.allocate(ChannelHeader.MAX_DATAGRAM);

    private InetSocketAddress address;
    private ChannelState state = ChannelState.CONNECTING;

    private Session current;
    private Session candidate;

    // initiator
    private SessionKeys.Ephemeral ephemeral;
    private long initId;
    private long attemptSentNanos;
    private long nextAttemptNanos;
    private long backoffNanos = BACKOFF_MIN_NANOS;
    private long attempts;

    // responder
    private long lastInitNanos;
    private boolean initSeen;

    private long lastHeardNanos;
    private long stateSinceNanos;
    private long lastSentNanos;
    private boolean heard;
    private long handshakeNanos = -1;
    private long sentBytes;
    private long sentPackets;
    private long receivedBytes;
    private long receivedPackets;
    private long verifiedPackets;
    private long establishments;
    private String reason = "paired, no session yet";

    /** One session's keys: sealer and opener of the single direction pair. */
    private static final class Session {
        final int id;
        final AeadSealer sealer;
        final AeadOpener opener;

        Session(SessionKeys k) {
            this.id = k.keyId();
            this.sealer = k.newSealer();
            this.opener = k.newOpener();
            k.destroy();
        }
    }

    public PeerChannel(String ownId, String peerId, byte[] channelSecret, InetSocketAddress address,
            RandomGenerator random, java.security.SecureRandom keyRandom, Consumer<String> log, DropCounters drops,
            long nowNanos) {
        this.ownId = ownId;
        this.peerId = peerId;
        this.secret = channelSecret.clone();
        this.macKey = ChannelHello.macKey(secret);
        this.address = address;
        this.initiator = isInitiator(ownId, peerId);
        this.random = random;
        this.keyRandom = keyRandom;
        this.log = log;
        this.drops = drops;
        this.nextAttemptNanos = nowNanos;
        this.stateSinceNanos = nowNanos;
    }

    /** The router whose id is lower (unsigned UTF-8 bytes) initiates. */
    public static boolean isInitiator(String ownId, String peerId) {
        return Arrays.compareUnsigned(ownId.getBytes(StandardCharsets.UTF_8), peerId.getBytes(StandardCharsets.UTF_8)) < 0;
    }

    // ------------------------------------------------------------------ timer

    /** Timers: handshake attempts, keep-alives, death. Call every tick (the service: 50 ms). */
    public void tick(long now, Outbox outbox) {
        if (state == ChannelState.ESTABLISHED) {
            if (now - lastHeardNanos >= DEAD_NANOS) {
                down(now, "nothing authenticated for " + DEAD_NANOS / 1_000_000_000L + " s");
            } else if (now - lastSentNanos >= KEEPALIVE_NANOS) {
                sendKeepalive(now, outbox);
            }
        }
        if (state == ChannelState.CONNECTING && initiator && now - nextAttemptNanos >= 0) {
            sendInit(now, outbox);
        }
    }

    private void down(long now, String why) {
        state = ChannelState.CONNECTING;
        stateSinceNanos = now;
        current = null;
        candidate = null;
        reason = why;
        backoffNanos = BACKOFF_MIN_NANOS;
        nextAttemptNanos = now;
        log.accept("channel with " + peerId + " (" + host() + ") CONNECTING: " + why);
    }

    private void sendInit(long now, Outbox outbox) {
        ephemeral = SessionKeys.Ephemeral.generate(keyRandom);
        initId = random.nextLong();
        attemptSentNanos = now;
        attempts++;
        int len = ChannelHello.writeInit(out, initId, ownId, peerId, ephemeral.publicKey(), macKey);
        send(outbox, len, now);
        long jitter = (long) (backoffNanos * 0.25 * random.nextDouble());
        nextAttemptNanos = now + backoffNanos + jitter;
        backoffNanos = Math.min(backoffNanos * 2, BACKOFF_MAX_NANOS);
    }

    private void sendKeepalive(long now, Outbox outbox) {
        plain.clear();
        sendSealed(ChannelHeader.Kind.KEEPALIVE, plain, now, outbox);
    }

    /**
     * Seals {@code plaintext} (position to limit, consumed) as one datagram of a sealed kind under
     * the current session. False when there is no session (not ESTABLISHED), the plaintext is too
     * large, or the session's packet numbers are used up (then the channel goes down).
     */
    public boolean sendSealed(ChannelHeader.Kind kind, ByteBuffer plaintext, long now, Outbox outbox) {
        Session s = current;
        if (s == null || !kind.sealed()
                || plaintext.remaining() > ChannelHeader.MAX_DATAGRAM - ChannelHeader.LENGTH - ChannelHeader.TAG) {
            return false;
        }
        int len = ChannelHeader.LENGTH + plaintext.remaining() + ChannelHeader.TAG;
        long pn = s.sealer.nextPacketNumber();
        ChannelHeader.write(out, kind, s.id, pn);
        ByteBuffer aad = out.duplicate().limit(ChannelHeader.LENGTH).position(0);
        ByteBuffer dst = out.duplicate().limit(out.capacity()).position(ChannelHeader.LENGTH);
        if (s.sealer.seal(aad, plaintext, dst) != SealStatus.OK) {
            down(now, "packet numbers of the session used up");
            return false;
        }
        send(outbox, len, now);
        return true;
    }

    /** A keep-alive now, if a session runs: the TCP fallback's probe of UDP and the answer to it. */
    void keepaliveNow(long now, Outbox outbox) {
        if (state == ChannelState.ESTABLISHED) {
            sendKeepalive(now, outbox);
        }
    }

    /** A new transport to the peer is open: the next handshake attempt goes at the next tick, not at the backoff's next step. */
    void attemptNow(long now) {
        if (state == ChannelState.CONNECTING && initiator) {
            nextAttemptNanos = now;
        }
    }

    private void send(Outbox outbox, int len, long now) {
        out.limit(len).position(0);
        outbox.send(out, address);
        out.clear();
        lastSentNanos = now;
        sentBytes += len;
        sentPackets++;
    }

    // ------------------------------------------------------------------ receive

    /** A HELLO_INIT that names this peer as initiator and us as responder (parsed, MAC unchecked). */
    void onInit(ChannelHello.Parsed p, ByteBuffer b, int len, InetSocketAddress from, long now, Outbox outbox) {
        if (!ChannelHello.macMatches(macKey, b, len)) {
            drops.count(TunnelDrop.HANDSHAKE_BAD_MAC);
            return;
        }
        if (initiator) {
            // both think they initiate: only if the ids compare differently, i.e. a bug or a forgery
            drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
            return;
        }
        if (initSeen && now - lastInitNanos < INIT_SPACING_NANOS) {
            drops.count(TunnelDrop.HANDSHAKE_RATE_LIMITED);
            return;
        }
        initSeen = true;
        lastInitNanos = now;
        received(len);
        SessionKeys.Ephemeral own = SessionKeys.Ephemeral.generate(keyRandom);
        SessionKeys keys;
        try {
            keys = SessionKeys.derive(SessionKeys.Role.RESPONDER, own, p.publicKey(), peerId, ownId, secret);
        } catch (KeyExchangeException e) {
            drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
            return;
        }
        int keyId = keys.keyId();
        candidate = new Session(keys);
        // reply to where the init came from: the peer may have a new address; it becomes the
        // peer's address only once a sealed packet from it verifies
        int l = ChannelHello.writeReply(out, keyId, p.initId(), ownId, own.publicKey(), macKey);
        InetSocketAddress keep = address;
        address = from;
        send(outbox, l, now);
        address = keep;
    }

    /** A HELLO_REPLY from this peer (parsed, MAC unchecked). */
    void onReply(ChannelHello.Parsed p, ByteBuffer b, int len, InetSocketAddress from, long now, Outbox outbox) {
        if (!ChannelHello.macMatches(macKey, b, len)) {
            drops.count(TunnelDrop.HANDSHAKE_BAD_MAC);
            return;
        }
        if (!initiator || ephemeral == null || p.initId() != initId || state == ChannelState.ESTABLISHED) {
            drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
            return;
        }
        SessionKeys keys;
        try {
            keys = SessionKeys.derive(SessionKeys.Role.INITIATOR, ephemeral, p.publicKey(), ownId, peerId, secret);
        } catch (KeyExchangeException e) {
            drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
            return;
        }
        ephemeral = null;
        if (keys.keyId() != p.sessionId()) {
            drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
            return;
        }
        received(len);
        verifiedPackets++;
        current = new Session(keys);
        handshakeNanos = now - attemptSentNanos;
        address = from;
        up(now, "handshake " + String.format(Locale.ROOT, "%.1f", handshakeNanos / 1e6) + " ms, attempt " + attempts);
        attempts = 0;
        // the first sealed packet at once: it is the responder's key confirmation
        sendKeepalive(now, outbox);
    }

    /**
     * A sealed datagram whose session id is this peer's current or candidate session. Returns its
     * plaintext (valid until the next call), or null when it was dropped (counted).
     */
    ByteBuffer onSealed(ByteBuffer b, int len, InetSocketAddress from, long now) {
        int sid = ChannelHeader.sessionId(b);
        Session s = current != null && current.id == sid ? current : candidate != null && candidate.id == sid ? candidate : null;
        if (s == null) {
            drops.count(TunnelDrop.UNKNOWN_TUNNEL);
            return null;
        }
        ByteBuffer aad = b.duplicate().limit(ChannelHeader.LENGTH).position(0);
        ByteBuffer body = b.duplicate().limit(len).position(ChannelHeader.LENGTH);
        opened.clear();
        OpenStatus st = s.opener.open(ChannelHeader.packetNumber(b), aad, body, opened);
        switch (st) {
            case OK -> { }
            case REPLAYED -> {
                drops.count(TunnelDrop.REPLAYED);
                return null;
            }
            case TOO_OLD -> {
                drops.count(TunnelDrop.TOO_OLD);
                return null;
            }
            case TRUNCATED, OUTPUT_TOO_SMALL -> {
                drops.count(TunnelDrop.TRUNCATED);
                return null;
            }
            default -> {
                drops.count(TunnelDrop.TAG_MISMATCH);
                return null;
            }
        }
        received(len);
        verifiedPackets++;
        lastHeardNanos = now;
        heard = true;
        if (!from.equals(address)) {
            address = from;
        }
        if (s == candidate) {
            boolean rekey = state == ChannelState.ESTABLISHED;
            current = candidate;
            candidate = null;
            up(now, rekey ? "peer started a new session" : "peer's keys confirmed");
        }
        return opened.flip();
    }

    private void up(long now, String why) {
        if (state != ChannelState.ESTABLISHED) {
            stateSinceNanos = now;
        }
        state = ChannelState.ESTABLISHED;
        lastHeardNanos = now;
        heard = true;
        establishments++;
        backoffNanos = BACKOFF_MIN_NANOS;
        reason = why;
        log.accept("channel with " + peerId + " (" + host() + ") ESTABLISHED: " + why + ", session "
                + sessionHex(current.id));
    }

    private void received(int len) {
        receivedBytes += len;
        receivedPackets++;
    }

    private String host() {
        return address.getAddress().getHostAddress();
    }

    static String sessionHex(int id) {
        return String.format(Locale.ROOT, "%08x", id);
    }

    // ------------------------------------------------------------------ status

    public String peerId() {
        return peerId;
    }

    public ChannelState state() {
        return state;
    }

    public boolean initiator() {
        return initiator;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The current session's id, or null. */
    public String sessionId() {
        return current == null ? null : sessionHex(current.id);
    }

    boolean hasSession(int id) {
        return current != null && current.id == id || candidate != null && candidate.id == id;
    }

    /** Monotonic time of the last authenticated packet, or null if none yet. */
    public Long lastHeardNanos() {
        return heard ? lastHeardNanos : null;
    }

    /** Duration of the last successful handshake (init sent to keys ready, initiator), or -1. */
    public long handshakeNanos() {
        return handshakeNanos;
    }

    /** Monotonic time the channel entered its current state. */
    public long stateSinceNanos() {
        return stateSinceNanos;
    }

    public String reason() {
        return reason;
    }

    public long sentBytes() {
        return sentBytes;
    }

    public long sentPackets() {
        return sentPackets;
    }

    public long receivedBytes() {
        return receivedBytes;
    }

    public long receivedPackets() {
        return receivedPackets;
    }

    /**
     * Packets that proved the peer: verified sealed packets and handshake replies (not inits: those
     * can be replayed). The TCP fallback moves a peer to a connection when this grows on it, so
     * every receive path that verifies a packet counts here.
     */
    public long verifiedPackets() {
        return verifiedPackets;
    }

    public long establishments() {
        return establishments;
    }

    /** Next handshake attempt (initiator in CONNECTING), for tests. */
    long nextAttemptNanos() {
        return nextAttemptNanos;
    }
}
