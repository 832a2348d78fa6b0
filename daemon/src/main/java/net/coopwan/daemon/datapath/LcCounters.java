package net.coopwan.daemon.datapath;

/**
 * Duplication's counters on one tunnel peer (the router's bond, or the concentrator's clients
 * summed), read from its {@link LcCopies} for the status: LC packets this side sent as copies,
 * the copies sent, the LC packets it delivered (first copies in), and the copies it dropped as
 * duplicates of one already delivered.
 */
public record LcCounters(long lcPackets, long copiesSent, long delivered, long duplicatesDropped) {

    public static final LcCounters NONE = new LcCounters(0, 0, 0, 0);

    static LcCounters of(LcCopies l) {
        if (l == null) {
            return NONE;
        }
        return new LcCounters(l.lcPackets(), l.sentCopies(), l.delivered(),
                l.drops().getOrDefault(net.coopwan.daemon.coop.duplication.DuplicationDrop.DUPLICATE, 0L));
    }

    LcCounters plus(LcCounters o) {
        return new LcCounters(lcPackets + o.lcPackets, copiesSent + o.copiesSent, delivered + o.delivered,
                duplicatesDropped + o.duplicatesDropped);
    }
}
