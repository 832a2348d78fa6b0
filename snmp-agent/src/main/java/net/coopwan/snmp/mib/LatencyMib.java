package net.coopwan.snmp.mib;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.LatencyStatus;

/**
 * COOPWAN-MIB's latency-critical traffic scalars (issue 17), from {@link ControlApi#latency()}:
 * <ul>
 * <li>coopLatencyLcSessions (Gauge32), coopLatencyLcCurrent (TruthValue): classification now.</li>
 * <li>coopLatencyLcPackets, coopDuplicationCopiesSent, coopDuplicationDelivered,
 *     coopDuplicationDuplicatesDropped, coopSuppressionDrops, coopSuppressionEcnMarks (Counter64):
 *     the daemon's figures start again at 0 (the table made again, duplication turned on again,
 *     enforcement begun again) and are not kept across restarts, unlike
 *     sharing's totals, so the agent sums their growth ({@link MonotonicSum}); the discontinuity is
 *     the agent's start.</li>
 * <li>coopDuplicationOn, coopSuppressionActive (TruthValue), coopSuppressionCeiling (Integer32, -1
 *     none), coopCommonIspVerdict (the first neighbour's; noNeighbour(1) without one).</li>
 * </ul>
 * Read at most every {@link BondMib#SNAPSHOT_MILLIS} ms, as the other groups.
 */
public final class LatencyMib implements MOGroup {

    /** TruthValue (SNMPv2-TC). */
    static final int TRUE = 1;
    static final int FALSE = 2;

    /** coopCommonIspVerdict's values. */
    static final int NO_NEIGHBOUR = 1;
    static final int UNKNOWN = 2;
    static final int SAME = 3;
    static final int DIFFERENT = 4;

    private final ControlApi api;
    private final Cached<Values> values;
    private final MonotonicSum lcPackets = new MonotonicSum();
    private final MonotonicSum copiesSent = new MonotonicSum();
    private final MonotonicSum delivered = new MonotonicSum();
    private final MonotonicSum duplicatesDropped = new MonotonicSum();
    private final MonotonicSum drops = new MonotonicSum();
    private final MonotonicSum ecnMarks = new MonotonicSum();
    private final List<LiveScalar<?>> scalars = new ArrayList<>();

    record Values(long lcSessions, long lcPackets, boolean lcCurrent, boolean duplicationOn, long copiesSent,
                  long delivered, long duplicatesDropped, boolean suppressionActive, int ceiling, int ispVerdict, long drops,
                  long ecnMarks) {
        static final Values NONE = new Values(0, 0, false, false, 0, 0, 0, false, -1, NO_NEIGHBOUR, 0, 0);
    }

    public LatencyMib(ControlApi api) {
        this.api = api;
        this.values = new Cached<>(this::read, Duration.ofMillis(BondMib.SNAPSHOT_MILLIS), Values.NONE);
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_LATENCY_LC_SESSIONS),
                () -> new Gauge32(Math.min(values.get().lcSessions(), 0xFFFF_FFFFL))));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_LATENCY_LC_PACKETS), () -> new Counter64(values.get().lcPackets())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_LATENCY_LC_CURRENT), () -> truth(values.get().lcCurrent())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_DUPLICATION_ON), () -> truth(values.get().duplicationOn())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_DUPLICATION_COPIES_SENT),
                () -> new Counter64(values.get().copiesSent())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_DUPLICATION_DELIVERED),
                () -> new Counter64(values.get().delivered())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_DUPLICATION_DUPLICATES_DROPPED),
                () -> new Counter64(values.get().duplicatesDropped())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_SUPPRESSION_ACTIVE),
                () -> truth(values.get().suppressionActive())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_SUPPRESSION_CEILING), () -> new Integer32(values.get().ceiling())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_COMMON_ISP_VERDICT),
                () -> new Integer32(values.get().ispVerdict())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_SUPPRESSION_DROPS), () -> new Counter64(values.get().drops())));
        scalars.add(new LiveScalar<>(instance(CoopwanMib.COOP_SUPPRESSION_ECN_MARKS),
                () -> new Counter64(values.get().ecnMarks())));
    }

    private static OID instance(OID object) {
        return new OID(object).append(0);
    }

    private static Integer32 truth(boolean b) {
        return new Integer32(b ? TRUE : FALSE);
    }

    /** Reads the daemon now; an unreadable daemon is taken as all off, and the counters stay. */
    synchronized Values read() {
        LatencyStatus l;
        try {
            l = api.latency();
        } catch (RuntimeException e) {
            l = LatencyStatus.off();
        }
        LatencyStatus.Classification c = l.classification();
        LatencyStatus.Duplication d = l.duplication();
        LatencyStatus.Suppression s = l.suppression();
        return new Values(Math.max(0, c.lcSessions()), lcPackets.add(c.lcPackets()), c.lcTrafficCurrent(), d.on(),
                copiesSent.add(d.copiesSent()), delivered.add(d.delivered()), duplicatesDropped.add(d.duplicatesDropped()),
                "ENFORCING".equals(s.state()), Math.max(-1, Math.min(100, s.enforcedPercent())), verdict(l.commonIsp()),
                drops.add(s.dropped()), ecnMarks.add(s.ecnMarked()));
    }

    /** The first neighbour's verdict; noNeighbour(1) without one. */
    static int verdict(LatencyStatus.CommonIsp isp) {
        if (isp.neighbours().isEmpty()) {
            return NO_NEIGHBOUR;
        }
        return switch (isp.neighbours().get(0).verdict()) {
            case "SAME" -> SAME;
            case "DIFFERENT" -> DIFFERENT;
            default -> UNKNOWN;
        };
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        for (LiveScalar<?> s : scalars) {
            server.register(s, context);
        }
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        for (LiveScalar<?> s : scalars) {
            server.unregister(s, context);
        }
    }
}
