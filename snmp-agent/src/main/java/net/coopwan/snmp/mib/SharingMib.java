package net.coopwan.snmp.mib;

import java.time.Duration;

import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.SharingStatus;

/**
 * COOPWAN-MIB's bandwidth-sharing scalars, from {@link ControlApi#sharing()}'s totals:
 * <ul>
 * <li>coopSharingSessions (Gauge32): connections moved onto a sharer or carried for a borrower now,
 *     both roles ({@link SharingStatus.Totals#sessionsNow()}).</li>
 * <li>coopSharingBytesLent, coopSharingBytesBorrowed (Counter64): the daemon's totals, both
 *     directions added. The daemon keeps them across its restarts and kill -9 (its state store plus
 *     the open paths' kernel counters), so a restarted agent starts from them; while the peer link
 *     is off (or the sharing service restarts on a reload) the daemon reports none, and the highest
 *     value seen is kept so that the counters never decrease.</li>
 * </ul>
 * Read at most every {@link BondMib#SNAPSHOT_MILLIS} ms, as the other groups.
 */
public final class SharingMib implements MOGroup {

    private final ControlApi api;
    private final Cached<Values> values;
    private final LiveScalar<Gauge32> sessions;
    private final LiveScalar<Counter64> bytesLent;
    private final LiveScalar<Counter64> bytesBorrowed;
    private long lent;
    private long borrowed;

    record Values(long sessions, long bytesLent, long bytesBorrowed) {
        static final Values ZERO = new Values(0, 0, 0);
    }

    public SharingMib(ControlApi api) {
        this.api = api;
        this.values = new Cached<>(this::read, Duration.ofMillis(BondMib.SNAPSHOT_MILLIS), Values.ZERO);
        this.sessions = new LiveScalar<>(new OID(CoopwanMib.COOP_SHARING_SESSIONS).append(0),
                () -> new Gauge32(Math.min(values.get().sessions(), 0xFFFF_FFFFL)));
        this.bytesLent = new LiveScalar<>(new OID(CoopwanMib.COOP_SHARING_BYTES_LENT).append(0),
                () -> new Counter64(values.get().bytesLent()));
        this.bytesBorrowed = new LiveScalar<>(new OID(CoopwanMib.COOP_SHARING_BYTES_BORROWED).append(0),
                () -> new Counter64(values.get().bytesBorrowed()));
    }

    /** Reads the daemon now; an unreadable daemon keeps the counters and shows no session. */
    synchronized Values read() {
        SharingStatus.Totals t;
        try {
            t = api.sharing().totals();
        } catch (RuntimeException e) {
            t = SharingStatus.Totals.NONE;
        }
        lent = Math.max(lent, Math.max(0, t.bytesLent()));
        borrowed = Math.max(borrowed, Math.max(0, t.bytesBorrowed()));
        return new Values(Math.max(0, t.sessionsNow()), lent, borrowed);
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        server.register(sessions, context);
        server.register(bytesLent, context);
        server.register(bytesBorrowed, context);
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        server.unregister(sessions, context);
        server.unregister(bytesLent, context);
        server.unregister(bytesBorrowed, context);
    }
}
