package net.coopwan.snmp.mib;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

/**
 * The columns coopwan serves of ifTable (RFC 2863 ifEntry) and ifXTable (ifXEntry), and the rows
 * built from one read of the kernel's interfaces.
 *
 * <p>Not served: the deprecated ifOutNUcastPkts, ifOutQLen and ifSpecific; ifPromiscuousMode and the
 * broadcast counters (the API does not carry them). ifLastChange and ifCounterDiscontinuityTime are
 * 0 (no change was seen since the agent started, as far as it tracks), ifInUnknownProtos is 0
 * (Linux has no per-interface count; net-snmp also says 0), ifAlias is empty and ifLinkUpDownTrapEnable
 * is disabled (no traps are sent yet). Everything is read-only for now.
 */
final class IfTables {

    private IfTables() {
    }

    static final OID IF_NUMBER = new OID("1.3.6.1.2.1.2.1.0");
    static final OID IF_ENTRY_OID = new OID("1.3.6.1.2.1.2.2.1");
    static final OID IFX_ENTRY_OID = new OID("1.3.6.1.2.1.31.1.1.1");

    private static final int INT = SMIConstants.SYNTAX_INTEGER;
    private static final int STR = SMIConstants.SYNTAX_OCTET_STRING;
    private static final int GAUGE = SMIConstants.SYNTAX_GAUGE32;
    private static final int TICKS = SMIConstants.SYNTAX_TIMETICKS;
    private static final int C32 = SMIConstants.SYNTAX_COUNTER32;
    private static final int C64 = SMIConstants.SYNTAX_COUNTER64;

    static final List<IfColumn> IF_ENTRY = List.of(
            new IfColumn("ifIndex", 1, INT, n -> new Integer32(n.index())),
            new IfColumn("ifDescr", 2, STR, n -> text(n.name())),
            new IfColumn("ifType", 3, INT, n -> new Integer32(IfValues.ifType(n.type()))),
            new IfColumn("ifMtu", 4, INT, n -> new Integer32(n.mtu())),
            new IfColumn("ifSpeed", 5, GAUGE, n -> new Gauge32(IfValues.ifSpeed(n.speedMbps()))),
            new IfColumn("ifPhysAddress", 6, STR, n -> new OctetString(IfValues.physAddress(n.mac()))),
            new IfColumn("ifAdminStatus", 7, INT, n -> new Integer32(IfValues.adminStatus(n))),
            new IfColumn("ifOperStatus", 8, INT, n -> new Integer32(IfValues.operStatus(n))),
            new IfColumn("ifLastChange", 9, TICKS, n -> new TimeTicks(0)),
            new IfColumn("ifInOctets", 10, C32, n -> c32(c(n).rxBytes())),
            new IfColumn("ifInUcastPkts", 11, C32, n -> c32(IfValues.unicast(c(n).rxPackets(), c(n).rxMulticast()))),
            new IfColumn("ifInNUcastPkts", 12, C32, n -> c32(c(n).rxMulticast())),
            new IfColumn("ifInDiscards", 13, C32, n -> c32(c(n).rxDropped())),
            new IfColumn("ifInErrors", 14, C32, n -> c32(c(n).rxErrors())),
            new IfColumn("ifInUnknownProtos", 15, C32, n -> new Counter32(0)),
            new IfColumn("ifOutOctets", 16, C32, n -> c32(c(n).txBytes())),
            new IfColumn("ifOutUcastPkts", 17, C32, n -> c32(c(n).txPackets())),
            new IfColumn("ifOutDiscards", 19, C32, n -> c32(c(n).txDropped())),
            new IfColumn("ifOutErrors", 20, C32, n -> c32(c(n).txErrors())));

    static final List<IfColumn> IFX_ENTRY = List.of(
            new IfColumn("ifName", 1, STR, n -> text(n.name())),
            new IfColumn("ifInMulticastPkts", 2, C32, n -> c32(c(n).rxMulticast())),
            new IfColumn("ifHCInOctets", 6, C64, n -> new Counter64(c(n).rxBytes())),
            new IfColumn("ifHCInUcastPkts", 7, C64,
                    n -> new Counter64(IfValues.unicast(c(n).rxPackets(), c(n).rxMulticast()))),
            new IfColumn("ifHCInMulticastPkts", 8, C64, n -> new Counter64(c(n).rxMulticast())),
            new IfColumn("ifHCOutOctets", 10, C64, n -> new Counter64(c(n).txBytes())),
            new IfColumn("ifHCOutUcastPkts", 11, C64, n -> new Counter64(c(n).txPackets())),
            new IfColumn("ifLinkUpDownTrapEnable", 14, INT, n -> new Integer32(IfValues.LINK_TRAP_DISABLED)),
            new IfColumn("ifHighSpeed", 15, GAUGE, n -> new Gauge32(IfValues.highSpeed(n.speedMbps()))),
            new IfColumn("ifConnectorPresent", 17, INT, n -> new Integer32(IfValues.connectorPresent(n))),
            new IfColumn("ifAlias", 18, STR, n -> new OctetString()),
            new IfColumn("ifCounterDiscontinuityTime", 19, TICKS, n -> new TimeTicks(0)));

    /** One consistent read: ifNumber and both tables come from the same list. */
    record Rows(int count, SortedMap<OID, DefaultMOTableRow> ifTable, SortedMap<OID, DefaultMOTableRow> ifXTable) {

        static final Rows EMPTY = new Rows(0, Collections.emptySortedMap(), Collections.emptySortedMap());

        static Rows of(List<NetInterface> interfaces) {
            TreeMap<OID, DefaultMOTableRow> ifTable = new TreeMap<>();
            TreeMap<OID, DefaultMOTableRow> ifXTable = new TreeMap<>();
            for (NetInterface n : interfaces) {
                if (n.index() < 1) {
                    continue; // InterfaceIndex is 1..2^31-1; the kernel never hands out 0.
                }
                OID index = new OID(new int[] {n.index()});
                ifTable.put(index, new DefaultMOTableRow(index, values(IF_ENTRY, n)));
                ifXTable.put(index, new DefaultMOTableRow(index, values(IFX_ENTRY, n)));
            }
            return new Rows(ifTable.size(), Collections.unmodifiableSortedMap(ifTable),
                    Collections.unmodifiableSortedMap(ifXTable));
        }
    }

    private static Variable[] values(List<IfColumn> columns, NetInterface n) {
        Variable[] v = new Variable[columns.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = columns.get(i).value().apply(n);
        }
        return v;
    }

    private static OctetString text(String s) {
        return new OctetString(s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8));
    }

    private static InterfaceCounters c(NetInterface n) {
        return n.counters() == null ? InterfaceCounters.ZERO : n.counters();
    }

    private static Counter32 c32(long v) {
        return new Counter32(IfValues.counter32(v));
    }
}
