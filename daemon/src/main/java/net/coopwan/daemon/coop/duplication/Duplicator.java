package net.coopwan.daemon.coop.duplication;

import java.util.ArrayList;
import java.util.List;

/**
 * The sending end of duplication for one LC session and direction: numbers its packets
 * (packet_ID per LC session, [0281]; from 0, +1 per packet) and turns each into its copies and
 * their offsets ({@link CopySchedule}).
 *
 * <p>Plain duplication (RAIC-1): every path gets its configured number of whole copies.
 * RAIC-5 (when asked and {@link Raic5#usable} with the paths that have copies): the first three
 * such paths get part A, B and A^B, each as many times as the path's copy count and spaced the
 * same way; a fourth or later path gets whole copies (our choice: [0252] defines three paths, and
 * a whole copy on an extra path only adds protection). Not thread-safe: one sender per session.
 */
public final class Duplicator {

    /** One copy to send on {@code when.path()} at {@code when.offsetNanos()} after the packet. */
    public record Outgoing(ScheduledCopy when, LcCopy copy) {
    }

    private final int sessionId;
    private long nextPacketId;

    public Duplicator(int sessionId) {
        this.sessionId = sessionId;
    }

    /**
     * The copies of the next packet, in leaving order. {@code paths} are those this session may
     * use now (the caller leaves out the neighbour when the agreement or the session's kind
     * forbids it); a packet over 65535 bytes or empty is refused by {@link LcCopy}.
     */
    public List<Outgoing> copies(byte[] packet, long tauNanos, List<PathCopies> paths, boolean raic5) {
        long id = nextPacketId++;
        List<PathCopies> used = paths.stream().filter(p -> p.copies() > 0).toList();
        boolean split = raic5 && Raic5.usable(used.size());
        byte[][] parts = split ? Raic5.split(packet) : null;
        LcCopy whole = LcCopy.whole(sessionId, id, packet);
        List<Outgoing> out = new ArrayList<>();
        for (ScheduledCopy c : CopySchedule.plan(tauNanos, used)) {
            int part = split ? indexOf(used, c.path()) : Raic5.PARTS;
            LcCopy copy = part < Raic5.PARTS
                    ? new LcCopy(sessionId, id, part, Raic5.PARTS, packet.length, parts[part])
                    : whole;
            out.add(new Outgoing(c, copy));
        }
        return out;
    }

    private static int indexOf(List<PathCopies> used, int path) {
        for (int i = 0; i < used.size(); i++) {
            if (used.get(i).path() == path) {
                return i;
            }
        }
        throw new IllegalStateException("path " + path + " not planned");
    }

    public int sessionId() {
        return sessionId;
    }

    /** The id the next packet gets. */
    public long nextPacketId() {
        return nextPacketId;
    }
}
