package net.coopwan.snmp.mib;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import net.coopwan.daemon.api.NetInterface;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.agent.mo.DefaultMOTable;
import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.agent.mo.MOAccessImpl;
import org.snmp4j.agent.mo.MOColumn;
import org.snmp4j.agent.mo.MOTableIndex;
import org.snmp4j.agent.mo.MOTableSubIndex;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;

/**
 * IF-MIB (RFC 2863) as far as coopwan serves it: ifNumber, ifTable and ifXTable, one row per kernel
 * interface, ifIndex = the kernel ifindex. All three read one cached snapshot of
 * {@code ControlApi.interfaces()} (at most {@code maxAge} old), so a walk is consistent and cheap and
 * interfaces appear and vanish without any registration.
 */
public final class IfMib implements MOGroup {

    /** Long enough for one walk to see one snapshot, short enough that counters look live. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

    private final LiveScalar<Integer32> ifNumber;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> ifTable;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> ifXTable;

    public IfMib(Supplier<List<NetInterface>> interfaces, Duration maxAge) {
        Cached<IfTables.Rows> rows = new Cached<>(() -> IfTables.Rows.of(interfaces.get()), maxAge,
                IfTables.Rows.EMPTY);
        this.ifNumber = new LiveScalar<>(IfTables.IF_NUMBER, () -> new Integer32(rows.get().count()));
        this.ifTable = table(IfTables.IF_ENTRY_OID, IfTables.IF_ENTRY, () -> rows.get().ifTable());
        this.ifXTable = table(IfTables.IFX_ENTRY_OID, IfTables.IFX_ENTRY, () -> rows.get().ifXTable());
    }

    private static DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> table(
            OID entry, List<IfColumn> columns,
            Supplier<java.util.SortedMap<OID, DefaultMOTableRow>> rows) {
        MOColumn<?>[] cols = new MOColumn<?>[columns.size()];
        for (int i = 0; i < cols.length; i++) {
            IfColumn c = columns.get(i);
            cols[i] = new MOColumn<>(c.id(), c.syntax(), MOAccessImpl.ACCESS_READ_ONLY);
        }
        // INDEX { ifIndex } for ifEntry; ifXEntry AUGMENTS ifEntry, so the same index.
        MOTableIndex index = new MOTableIndex(new MOTableSubIndex[] {
                new MOTableSubIndex(SMIConstants.SYNTAX_INTEGER, 1, 1)}, false);
        DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> t =
                new DefaultMOTable<>(entry, index, cols, new SnapshotTableModel(cols.length, rows));
        t.setVolatile(true);
        return t;
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        server.register(ifNumber, context);
        server.register(ifTable, context);
        server.register(ifXTable, context);
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        server.unregister(ifNumber, context);
        server.unregister(ifTable, context);
        server.unregister(ifXTable, context);
    }
}
