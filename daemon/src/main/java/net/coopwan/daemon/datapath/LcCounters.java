package net.coopwan.daemon.datapath;

/**
 * Duplication's counters on one tunnel peer (the router's bond, or the concentrator's clients
 * summed), read from its {@link LcCopies} for the status: LC packets this side sent as copies,
 * the copies sent, the LC packets it delivered (first copies in), the copies it dropped as
 * duplicates of one already delivered, and the packet IDs overtaken by a later one and never
 * filled ({@code missing}: lost on every path, the loss suppression's detector sees).
 */
public record LcCounters(long lcPackets, long copiesSent, long delivered, long duplicatesDropped, long missing) {

    public static final LcCounters NONE = new LcCounters(0, 0, 0, 0, 0);

    /** Without the loss count (the status views and their tests, which do not show it). */
    public LcCounters(long lcPackets, long copiesSent, long delivered, long duplicatesDropped) {
        this(lcPackets, copiesSent, delivered, duplicatesDropped, 0);
    }

    static LcCounters of(LcCopies l) {
        if (l == null) {
            return NONE;
        }
        return new LcCounters(l.lcPackets(), l.sentCopies(), l.delivered(),
                l.drops().getOrDefault(net.coopwan.daemon.coop.duplication.DuplicationDrop.DUPLICATE, 0L), l.missing());
    }

    LcCounters plus(LcCounters o) {
        return new LcCounters(lcPackets + o.lcPackets, copiesSent + o.copiesSent, delivered + o.delivered,
                duplicatesDropped + o.duplicatesDropped, missing + o.missing);
    }
}
