package net.coopwan.daemon.coop.channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import net.coopwan.daemon.secure.Pairing;
import net.coopwan.daemon.secure.PairingAttempts;
import net.coopwan.daemon.secure.PairingCode;
import net.coopwan.daemon.secure.PairingCodec;
import net.coopwan.daemon.secure.PairingException;
import net.coopwan.daemon.secure.PairingFailure;
import net.coopwan.daemon.secure.PairingKey;
import net.coopwan.daemon.secure.PairingMessages;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.TunnelDrop;

/**
 * Pairing by code over the peer link (PROTOCOL.md 3.9). The owner starts it on router S
 * ({@link #show}: S shows a code for one neighbour address) and types the code on router E
 * ({@link #enter}). Messages, one per datagram:
 *
 * <pre>
 * E -> S  PAIR_HELLO   lp(E id)                           S: code shown for E's address? not locked out?
 * S -> E  PAIR_MESSAGE round 1 of S (carries S id)        (or PAIR_REFUSED reason text)
 * E -> S  PAIR_MESSAGE round 1 of E, then round 2 of E
 * S -> E  PAIR_MESSAGE round 2 of S
 * S -> E  PAIR_MESSAGE round 3 of S    (S charged one attempt to E first)
 * E -> S  PAIR_MESSAGE round 3 of E    (E charged one attempt to S first)
 * both: key confirmation verified -> PairingKey, attempt taken back, pairing persisted
 * </pre>
 *
 * A wrong code fails key confirmation on both sides and stays counted in {@link PairingAttempts};
 * beyond the limit S refuses with PAIR_REFUSED and withdraws the shown code. Time is injected;
 * not thread-safe (the service calls it under its lock).
 */
public final class PairingExchange {
    /** How long a shown code is valid: long enough to walk to the other router, short enough that a code seen over a shoulder expires. */
    public static final long CODE_LIFETIME_NANOS = 5 * 60 * 1_000_000_000L;
    /** How long the entering side waits for the run to finish; no retransmission (LAN link). */
    public static final long ENTER_TIMEOUT_NANOS = 10_000_000_000L;
    static final int MAX_SHOWN = 8;

    /** A finished pairing: who, where, and the key to persist. */
    public record Paired(String peerId, InetSocketAddress address, PairingKey key) {
    }

    private static final class Shown {
        final PairingCode code;
        final long expiresNanos;
        Pairing run;
        String peerId;

        Shown(PairingCode code, long expiresNanos) {
            this.code = code;
            this.expiresNanos = expiresNanos;
        }
    }

    private static final class Entering {
        final InetSocketAddress peer;
        final PairingCode code;
        final long deadline;
        final CompletableFuture<Paired> result = new CompletableFuture<>();
        Pairing run;
        String peerId;

        Entering(InetSocketAddress peer, PairingCode code, long deadline) {
            this.peer = peer;
            this.code = code;
            this.deadline = deadline;
        }
    }

    private final String ownId;
    private final PairingAttempts attempts;
    private final SecureRandom random;
    private final Consumer<String> log;
    private final Consumer<Paired> onPaired;
    private final DropCounters drops;
    private final PairingCodec codec = PairingCodec.standard();
    private final Map<InetAddress, Shown> shown = new HashMap<>();
    private final Map<InetAddress, Entering> entering = new HashMap<>();
    private final ByteBuffer out = ByteBuffer.allocate(ChannelHeader.MAX_DATAGRAM);

    public PairingExchange(String ownId, PairingAttempts attempts, SecureRandom random, Consumer<String> log,
            Consumer<Paired> onPaired, DropCounters drops) {
        this.ownId = ownId;
        this.attempts = attempts;
        this.random = random;
        this.log = log;
        this.onPaired = onPaired;
        this.drops = drops;
    }

    /** Shows a new code for the neighbour at {@code peer}; replaces an earlier code for it. */
    public PairingCode show(InetAddress peer, long now) {
        if (!shown.containsKey(peer) && shown.size() >= MAX_SHOWN) {
            throw new IllegalStateException("already " + MAX_SHOWN + " pairings waiting for their code");
        }
        PairingCode code = PairingCode.generate(random);
        shown.put(peer, new Shown(code, now + CODE_LIFETIME_NANOS));
        log.accept("pairing with " + peer.getHostAddress() + " started: code shown, valid "
                + CODE_LIFETIME_NANOS / 60_000_000_000L + " min");
        return code;
    }

    /** Starts entering {@code code} for the router at {@code peer}; the future ends the run. */
    public CompletableFuture<Paired> enter(InetSocketAddress peer, PairingCode code, long now, Outbox outbox) {
        Entering old = entering.remove(peer.getAddress());
        if (old != null) {
            old.result.completeExceptionally(new PairingException(PairingFailure.OUT_OF_ORDER, "replaced by a new attempt"));
        }
        Entering e = new Entering(peer, code, now + ENTER_TIMEOUT_NANOS);
        entering.put(peer.getAddress(), e);
        ChannelHeader.write(out, ChannelHeader.Kind.PAIR_HELLO, 0, 0);
        int len = ChannelHello.putId(out, ChannelHeader.LENGTH, ownId);
        send(outbox, len, peer);
        return e.result;
    }

    /** Expires shown codes and entering runs without an answer. */
    public void tick(long now) {
        for (Iterator<Map.Entry<InetAddress, Shown>> it = shown.entrySet().iterator(); it.hasNext();) {
            Map.Entry<InetAddress, Shown> s = it.next();
            if (now - s.getValue().expiresNanos >= 0) {
                it.remove();
                log.accept("pairing with " + s.getKey().getHostAddress() + ": code expired unused");
            }
        }
        for (Iterator<Entering> it = entering.values().iterator(); it.hasNext();) {
            Entering e = it.next();
            if (now - e.deadline >= 0) {
                it.remove();
                e.result.completeExceptionally(new PairingException(PairingFailure.OUT_OF_ORDER, "no answer from "
                        + e.peer.getAddress().getHostAddress() + ":" + e.peer.getPort() + " within "
                        + ENTER_TIMEOUT_NANOS / 1_000_000_000L + " s (is coopwan running there with the peer link up?)"));
            }
        }
    }

    /** Whether a code is shown for {@code peer} now. */
    public boolean showing(InetAddress peer) {
        return shown.containsKey(peer);
    }

    // ------------------------------------------------------------------ receive

    void onHello(ByteBuffer b, int len, InetSocketAddress from, long now, Outbox outbox) {
        String peerId = ChannelHello.getId(b, ChannelHeader.LENGTH, len);
        if (peerId == null || len != ChannelHeader.LENGTH + 1 + peerId.getBytes(StandardCharsets.UTF_8).length) {
            drops.count(TunnelDrop.BAD_PAYLOAD);
            return;
        }
        Shown s = shown.get(from.getAddress());
        if (s == null || now - s.expiresNanos >= 0) {
            refuse(outbox, from, "no pairing started for " + from.getAddress().getHostAddress()
                    + " on that router (or its code expired): run pair start there first");
            return;
        }
        PairingAttempts.Decision d = attempts.check(peerId);
        if (!d.allowed()) {
            shown.remove(from.getAddress());
            log.accept("pairing with " + peerId + " (" + from.getAddress().getHostAddress() + ") refused, code withdrawn: " + d.reason());
            refuse(outbox, from, d.reason() + "; the code was withdrawn, start a new pairing");
            return;
        }
        try {
            s.run = Pairing.start(ownId, peerId, s.code, random);
            s.peerId = peerId;
        } catch (PairingException e) {
            refuse(outbox, from, e.getMessage());
            return;
        }
        sendMessage(outbox, from, s.run.round1());
    }

    void onRefused(ByteBuffer b, int len, InetSocketAddress from) {
        Entering e = entering.get(from.getAddress());
        if (e == null) {
            drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
            return;
        }
        int n = Math.max(0, Math.min(len - ChannelHeader.LENGTH - 1, 300));
        byte[] text = new byte[n];
        b.get(ChannelHeader.LENGTH + 1, text);
        entering.remove(from.getAddress());
        String why = new String(text, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        e.result.completeExceptionally(new PairingException(
                why.startsWith("locked out") ? PairingFailure.LOCKED_OUT : PairingFailure.OUT_OF_ORDER,
                "refused by " + from.getAddress().getHostAddress() + ": " + why));
    }

    void onMessage(ByteBuffer b, int len, InetSocketAddress from, long now, Outbox outbox) {
        byte[] raw = new byte[len - ChannelHeader.LENGTH];
        b.get(ChannelHeader.LENGTH, raw);
        PairingMessages.Message m;
        try {
            m = codec.decode(raw);
        } catch (PairingException ex) {
            drops.count(TunnelDrop.BAD_PAYLOAD);
            return;
        }
        Entering e = entering.get(from.getAddress());
        if (e != null) {
            enteringStep(e, m, from, outbox);
            return;
        }
        Shown s = shown.get(from.getAddress());
        if (s != null && s.run != null) {
            showingStep(s, m, from, outbox);
            return;
        }
        drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
    }

    private void enteringStep(Entering e, PairingMessages.Message m, InetSocketAddress from, Outbox outbox) {
        try {
            if (m instanceof PairingMessages.Round1 r1) {
                if (e.run != null) {
                    throw new PairingException(PairingFailure.OUT_OF_ORDER, "a second round 1");
                }
                attempts.require(r1.participantId());
                e.peerId = r1.participantId();
                e.run = Pairing.start(ownId, e.peerId, e.code, random);
                sendMessage(outbox, from, e.run.round1());
                sendMessage(outbox, from, e.run.onRound1(r1));
            } else if (e.run == null) {
                throw new PairingException(PairingFailure.OUT_OF_ORDER, "round " + (m instanceof PairingMessages.Round2 ? 2 : 3) + " before round 1");
            } else if (m instanceof PairingMessages.Round2 r2) {
                attempts.recordFailure(e.peerId); // charged before our round 3 (PairingAttempts)
                sendMessage(outbox, from, e.run.onRound2(r2));
            } else if (m instanceof PairingMessages.Round3 r3) {
                PairingKey key = e.run.onRound3(r3);
                attempts.recordSuccess(e.peerId);
                entering.remove(from.getAddress());
                Paired p = new Paired(e.peerId, e.peer, key);
                log.accept("paired with " + e.peerId + " (" + from.getAddress().getHostAddress() + "), code entered here");
                onPaired.accept(p);
                e.result.complete(p);
            }
        } catch (PairingException ex) {
            entering.remove(from.getAddress());
            PairingException shown = ex;
            if (ex.failure() == PairingFailure.KEY_CONFIRMATION_FAILED) {
                shown = new PairingException(ex.failure(), "wrong pairing code (key confirmation failed); "
                        + attempts.failures(e.peerId) + " of " + PairingAttempts.DEFAULT_PER_PEER
                        + " wrong codes for this peer within 1 h");
            }
            log.accept("pairing with " + from.getAddress().getHostAddress() + " failed: " + shown.getMessage());
            e.result.completeExceptionally(shown);
        }
    }

    private void showingStep(Shown s, PairingMessages.Message m, InetSocketAddress from, Outbox outbox) {
        try {
            if (m instanceof PairingMessages.Round1 r1) {
                sendMessage(outbox, from, s.run.onRound1(r1));
            } else if (m instanceof PairingMessages.Round2 r2) {
                attempts.recordFailure(s.peerId);
                sendMessage(outbox, from, s.run.onRound2(r2));
            } else if (m instanceof PairingMessages.Round3 r3) {
                PairingKey key = s.run.onRound3(r3);
                attempts.recordSuccess(s.peerId);
                shown.remove(from.getAddress());
                log.accept("paired with " + s.peerId + " (" + from.getAddress().getHostAddress() + "), code shown here");
                onPaired.accept(new Paired(s.peerId, from, key));
            }
        } catch (PairingException ex) {
            s.run = null;
            String why = ex.failure() == PairingFailure.KEY_CONFIRMATION_FAILED
                    ? "wrong code (" + attempts.failures(s.peerId) + " of " + PairingAttempts.DEFAULT_PER_PEER + " within 1 h)"
                    : ex.getMessage();
            log.accept("pairing with " + s.peerId + " (" + from.getAddress().getHostAddress() + ") failed: " + why);
        }
    }

    private void sendMessage(Outbox outbox, InetSocketAddress to, PairingMessages.Message m) {
        byte[] raw = codec.encode(m);
        ChannelHeader.write(out, ChannelHeader.Kind.PAIR_MESSAGE, 0, 0);
        out.put(ChannelHeader.LENGTH, raw);
        send(outbox, ChannelHeader.LENGTH + raw.length, to);
    }

    private void refuse(Outbox outbox, InetSocketAddress to, String why) {
        byte[] text = why.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 300);
        ChannelHeader.write(out, ChannelHeader.Kind.PAIR_REFUSED, 0, 0);
        out.put(ChannelHeader.LENGTH, (byte) 1);
        out.put(ChannelHeader.LENGTH + 1, text, 0, n);
        send(outbox, ChannelHeader.LENGTH + 1 + n, to);
    }

    private void send(Outbox outbox, int len, InetSocketAddress to) {
        out.limit(len).position(0);
        outbox.send(out, to);
        out.clear();
    }
}
