package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.coop.duplication.LcClassifier;
import net.coopwan.daemon.coop.duplication.LcRoute;
import net.coopwan.daemon.coop.duplication.PathCopies;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * The concentrator's {@link LcClassifier}: a reply is latency-critical when it answers an LC
 * session a client sent copies of, and it goes back one copy per link those copies arrived on
 * within the last {@link #FRESH_NANOS} ([0169]: "sends the replies back both ways"). Learned on
 * the receive thread, read on the send thread: synchronized (LC traffic is tens of packets a
 * second, not a hot path). IPv4 UDP and TCP only, as the concentrator's way back.
 */
final class ReplyRoutes implements LcClassifier {
    /** A link that brought no copy of the session for this long no longer gets replies. */
    static final long FRESH_NANOS = 1_000_000_000L;
    /** Sessions remembered; the oldest learned is forgotten beyond this (bounded memory). */
    static final int MAX_SESSIONS = 256;

    /** The 5-tuple of an inner packet as the reply will carry it (addresses and ports swapped). */
    record Tuple(int src, int dst, int srcPort, int dstPort, int protocol) {
        Tuple reversed() {
            return new Tuple(dst, src, dstPort, srcPort, protocol);
        }

        /** The tuple of an IPv4 UDP/TCP packet, or null. */
        static Tuple of(ByteBuffer b, int at, int length) {
            if (InnerPacket.version(b, at, length) != 4) {
                return null;
            }
            int ihl = (b.get(at) & 0x0f) * 4;
            int proto = b.get(at + 9) & 0xff;
            if ((proto != 6 && proto != 17) || ihl < 20 || length < ihl + 4) {
                return null;
            }
            return new Tuple(b.getInt(at + 12), b.getInt(at + 16), b.getShort(at + ihl) & 0xffff,
                    b.getShort(at + ihl + 2) & 0xffff, proto);
        }
    }

    private static final class Learned {
        final int sessionId;
        /** When a copy last came in on each link; MIN_VALUE: never. */
        final long[] heard = new long[TunnelHeader.MAX_LINKS];

        Learned(int sessionId) {
            this.sessionId = sessionId;
            Arrays.fill(heard, Long.MIN_VALUE);
        }
    }

    private final Map<Tuple, Learned> byReply = new HashMap<>();
    /** Whether any session is known: lets every other reply pass without the lock or a parse. */
    private volatile boolean any;
    private final Map<Integer, Tuple> replyOf = new LinkedHashMap<>();

    /**
     * A copy of session {@code sessionId} came in on {@code link}; {@code packet} is its inner
     * packet when this copy delivered it. Returns true when this learned a new session.
     */
    synchronized boolean heard(int sessionId, int link, byte[] packet, long nowNanos) {
        Tuple reply = replyOf.get(sessionId);
        boolean learned = false;
        if (reply == null && packet != null) {
            Tuple t = Tuple.of(ByteBuffer.wrap(packet), 0, packet.length);
            if (t == null) {
                return false;
            }
            learned = true;
            reply = t.reversed();
            if (replyOf.size() >= MAX_SESSIONS) {
                Integer oldest = replyOf.keySet().iterator().next();
                byReply.remove(replyOf.remove(oldest));
            }
            replyOf.put(sessionId, reply);
            byReply.put(reply, new Learned(sessionId));
            any = true;
        }
        if (reply != null) {
            byReply.get(reply).heard[link] = nowNanos;
        }
        return learned;
    }

    @Override
    public LcRoute route(ByteBuffer packet, int at, int length, long nowNanos) {
        return any ? learnedRoute(packet, at, length, nowNanos) : null;
    }

    private synchronized LcRoute learnedRoute(ByteBuffer packet, int at, int length, long nowNanos) {
        Tuple t = Tuple.of(packet, at, length);
        Learned l = t == null ? null : byReply.get(t);
        if (l == null) {
            return null;
        }
        List<PathCopies> paths = new ArrayList<>();
        for (int i = 0; i < l.heard.length; i++) {
            if (l.heard[i] != Long.MIN_VALUE && nowNanos - l.heard[i] <= FRESH_NANOS) {
                paths.add(new PathCopies(i, 1));
            }
        }
        return paths.isEmpty() ? null : new LcRoute(l.sessionId, 0, paths, false);
    }

    /** Forgets every session (a new tunnel session: the client's session ids start again). */
    synchronized void clear() {
        any = false;
        byReply.clear();
        replyOf.clear();
    }
}
