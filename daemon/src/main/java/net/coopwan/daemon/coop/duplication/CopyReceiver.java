package net.coopwan.daemon.coop.duplication;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import net.coopwan.daemon.counters.EnumCounters;
import net.coopwan.daemon.reorder.DuplicateFilter.Verdict;

/**
 * The receiving end of duplication, for one tunnel session and direction: the concentrator keeps
 * the first copy of each LC packet from a router, the router the first copy of each reply
 * ([0169], [0338]-[0339]). Per LC session a {@link DedupWindow}; RAIC-5 parts wait until any two
 * of a packet are in, then it is rebuilt and delivered once.
 *
 * <p>Bounds (hostile or buggy input must not grow memory): at most {@code maxSessions} sessions,
 * a session forgotten after {@code idleNanos} without a copy (60 s, the longest idle timeout of
 * an LC app type, [0243]), and per session only packets inside the 64-ID window wait for parts.
 * Every copy not delivered is counted in {@link #drops()}, except a first RAIC part that waits.
 * Not thread-safe: the receive thread owns it.
 */
public final class CopyReceiver {
    public static final int DEFAULT_MAX_SESSIONS = 256;
    public static final long DEFAULT_IDLE_NANOS = 60_000_000_000L;

    private static final class Session {
        final DedupWindow window = new DedupWindow();
        /** Packet id -> parts (index A, B, XOR; slot 3 unused) of packets not yet rebuilt. */
        final TreeMap<Long, Parts> waiting = new TreeMap<>(Long::compareUnsigned);
        long heardNanos;
    }

    private record Parts(int originalLength, byte[][] parts) {
    }

    private final int maxSessions;
    private final long idleNanos;
    private final Map<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final EnumCounters<DuplicationDrop> drops = new EnumCounters<>(DuplicationDrop.class);
    private long delivered;
    private long rebuilt;
    /** IDs skipped by a newer one and not (yet) filled: the LC path's loss after duplication (suppression's feed). */
    private long missing;

    public CopyReceiver() {
        this(DEFAULT_MAX_SESSIONS, DEFAULT_IDLE_NANOS);
    }

    public CopyReceiver(int maxSessions, long idleNanos) {
        if (maxSessions < 1 || idleNanos <= 0) {
            throw new IllegalArgumentException("sessions >= 1 and idle > 0");
        }
        this.maxSessions = maxSessions;
        this.idleNanos = idleNanos;
    }

    /**
     * Takes one received copy; returns the inner packet when this copy completes a packet not
     * delivered before (the caller hands it on), else null.
     */
    public byte[] receive(LcCopy c, long nowNanos) {
        Session s = session(c.sessionId(), nowNanos);
        if (s == null) {
            drops.count(DuplicationDrop.SESSIONS_FULL);
            return null;
        }
        s.heardNanos = nowNanos;
        Verdict v = s.window.check(c.packetId());
        if (!v.accepted()) {
            drops.count(v == Verdict.TOO_OLD ? DuplicationDrop.TOO_OLD : DuplicationDrop.DUPLICATE);
            return null;
        }
        byte[] packet = c.partCount() == LcCopy.WHOLE ? c.body() : collect(s, c);
        if (packet != null) {
            if (v == Verdict.FILLED) {
                missing--;
            } else if (s.window.started()) {
                missing += c.packetId() - s.window.last() - 1;
            }
            s.window.accept(c.packetId());
            s.waiting.remove(c.packetId());
            forgetTooOld(s);
            delivered++;
        }
        return packet;
    }

    /** Adds a RAIC-5 part; returns the packet once two parts are in. */
    private byte[] collect(Session s, LcCopy c) {
        Parts p = s.waiting.get(c.packetId());
        if (p == null) {
            p = new Parts(c.originalLength(), new byte[Raic5.PARTS][]);
            s.waiting.put(c.packetId(), p);
            forgetTooOld(s);
        } else if (p.originalLength != c.originalLength()) {
            drops.count(DuplicationDrop.PART_CONFLICT);
            return null;
        }
        if (p.parts[c.partIndex()] != null) {
            drops.count(DuplicationDrop.DUPLICATE); // the same part twice: a copy of a copy
            return null;
        }
        p.parts[c.partIndex()] = c.body();
        byte[] packet = Raic5.recover(p.parts, p.originalLength);
        if (packet != null) {
            rebuilt++;
        }
        return packet;
    }

    /** Parts of packets the window no longer reaches can never be delivered: forget them. */
    private static void forgetTooOld(Session s) {
        Iterator<Long> it = s.waiting.keySet().iterator();
        while (it.hasNext() && (s.waiting.size() > DedupWindow.DEFAULT_BITS
                || s.window.check(s.waiting.firstKey()) == Verdict.TOO_OLD)) {
            it.next();
            it.remove();
        }
    }

    private Session session(int id, long nowNanos) {
        Session s = sessions.get(id);
        if (s != null) {
            return s;
        }
        if (sessions.size() >= maxSessions) {
            expire(nowNanos);
            if (sessions.size() >= maxSessions) {
                return null;
            }
        }
        s = new Session();
        sessions.put(id, s);
        return s;
    }

    /** Forgets sessions silent for longer than the idle time (call from a timer, or it runs when full). */
    public void expire(long nowNanos) {
        sessions.values().removeIf(s -> nowNanos - s.heardNanos > idleNanos);
    }

    /** Forgets every session (the tunnel session ended: packet ids restart with the next one). */
    public void clear() {
        sessions.clear();
    }

    public EnumCounters<DuplicationDrop> drops() {
        return drops;
    }

    public int sessions() {
        return sessions.size();
    }

    /** Packets whose RAIC-5 parts wait for a second part, over all sessions. */
    public int waitingPackets() {
        int n = 0;
        for (Session s : sessions.values()) {
            n += s.waiting.size();
        }
        return n;
    }

    /** Packets delivered (first copies and rebuilt RAIC-5 packets). */
    public long delivered() {
        return delivered;
    }

    /** Of {@link #delivered()}, those rebuilt from two RAIC-5 parts. */
    /**
     * Packet IDs a later ID overtook and no copy has filled since, over all sessions (cumulative;
     * a late copy that fills one takes it back). Every copy of these packets was lost or is late.
     */
    public long missing() {
        return missing;
    }

    public long rebuilt() {
        return rebuilt;
    }
}
