package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import org.junit.jupiter.api.Test;
import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;

class IfTablesTest {

    static final long BIG = 5_000_000_000L; // more than 2^32

    static NetInterface eth(int index, String name) {
        return new NetInterface(index, name, 1, "02:00:00:00:00:0" + index, 1500, true, "up", 1000,
                new InterfaceCounters(BIG, 1000, 3, 4, 10, BIG + 1, 2000, 5, 6));
    }

    @Test
    void columnIdsAscendAndSyntaxMatchesValues() {
        for (List<IfColumn> cols : List.of(IfTables.IF_ENTRY, IfTables.IFX_ENTRY)) {
            for (int i = 1; i < cols.size(); i++) {
                assertTrue(cols.get(i).id() > cols.get(i - 1).id(), "SNMP4J needs ascending columns: " + cols.get(i));
            }
            for (IfColumn c : cols) {
                Variable v = c.value().apply(eth(3, "eth0"));
                int syntax = c.syntax() == SMIConstants.SYNTAX_INTEGER ? SMIConstants.SYNTAX_INTEGER32 : c.syntax();
                assertEquals(syntax, v.getSyntax(), c.name());
            }
        }
    }

    @Test
    void rowsAreIndexedByIfindexInOrderAndBadIndexesSkipped() {
        IfTables.Rows rows = IfTables.Rows.of(List.of(eth(12, "eth1"), eth(2, "eth0"),
                new NetInterface(0, "ghost", 1, "", 0, false, "down", 0, InterfaceCounters.ZERO)));
        assertEquals(2, rows.count());
        assertEquals(List.of(new OID("2"), new OID("12")), List.copyOf(rows.ifTable().keySet()),
                "numeric order, not string order");
        assertEquals(rows.ifTable().keySet(), rows.ifXTable().keySet(), "ifXEntry AUGMENTS ifEntry");
    }

    @Test
    void countersWrapIn32BitsAndNotIn64() {
        IfTables.Rows rows = IfTables.Rows.of(List.of(eth(2, "eth0")));
        DefaultMOTableRow ifRow = rows.ifTable().get(new OID("2"));
        DefaultMOTableRow ifxRow = rows.ifXTable().get(new OID("2"));
        assertEquals(new Counter32(BIG - (1L << 32)), value(ifRow, IfTables.IF_ENTRY, "ifInOctets"));
        assertEquals(new Counter32(BIG + 1 - (1L << 32)), value(ifRow, IfTables.IF_ENTRY, "ifOutOctets"));
        assertEquals(new Counter32(990), value(ifRow, IfTables.IF_ENTRY, "ifInUcastPkts"));
        assertEquals(new Counter32(4), value(ifRow, IfTables.IF_ENTRY, "ifInDiscards"));
        assertEquals(new Counter32(6), value(ifRow, IfTables.IF_ENTRY, "ifOutDiscards"));
        assertEquals(new Counter32(3), value(ifRow, IfTables.IF_ENTRY, "ifInErrors"));
        assertEquals(new Counter32(5), value(ifRow, IfTables.IF_ENTRY, "ifOutErrors"));
        assertEquals(new Counter64(BIG), value(ifxRow, IfTables.IFX_ENTRY, "ifHCInOctets"));
        assertEquals(new Counter64(BIG + 1), value(ifxRow, IfTables.IFX_ENTRY, "ifHCOutOctets"));
        assertEquals(new Counter64(990), value(ifxRow, IfTables.IFX_ENTRY, "ifHCInUcastPkts"));
        assertEquals(new Counter64(2000), value(ifxRow, IfTables.IFX_ENTRY, "ifHCOutUcastPkts"));
    }

    @Test
    void missingCountersReadAsZero() {
        NetInterface noStats = new NetInterface(4, "tun0", 65534, "", 1400, true, "unknown", 0, null);
        DefaultMOTableRow row = IfTables.Rows.of(List.of(noStats)).ifTable().get(new OID("4"));
        assertEquals(new Counter32(0), value(row, IfTables.IF_ENTRY, "ifInOctets"));
    }

    static Variable value(DefaultMOTableRow row, List<IfColumn> cols, String name) {
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).name().equals(name)) {
                return row.getValue(i);
            }
        }
        throw new AssertionError("no column " + name);
    }
}
