package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import org.junit.jupiter.api.Test;

class IfValuesTest {

    static NetInterface iface(int type, boolean adminUp, String operState, long speedMbps) {
        return new NetInterface(7, "x0", type, "", 1500, adminUp, operState, speedMbps, InterfaceCounters.ZERO);
    }

    @Test
    void arphrdToIanaIfType() {
        assertEquals(6, IfValues.ifType(1));
        assertEquals(24, IfValues.ifType(772));
        assertEquals(131, IfValues.ifType(65534));
        assertEquals(1, IfValues.ifType(776), "sit: other");
        assertEquals(1, IfValues.ifType(0));
        assertEquals(1, IfValues.ifType(-1));
    }

    @Test
    void operStatusFromOperstate() {
        assertEquals(1, IfValues.operStatus(iface(1, true, "up", 0)));
        assertEquals(2, IfValues.operStatus(iface(1, true, "down", 0)));
        assertEquals(1, IfValues.operStatus(iface(772, true, "unknown", 0)), "loopback/TUN report unknown");
        assertEquals(2, IfValues.operStatus(iface(65534, false, "unknown", 0)), "admin down is down");
        assertEquals(5, IfValues.operStatus(iface(1, true, "dormant", 0)));
        assertEquals(6, IfValues.operStatus(iface(1, true, "notpresent", 0)));
        assertEquals(7, IfValues.operStatus(iface(1, true, "lowerlayerdown", 0)));
        assertEquals(3, IfValues.operStatus(iface(1, true, "testing", 0)));
        assertEquals(4, IfValues.operStatus(iface(1, true, "bogus", 0)));
        assertEquals(4, IfValues.operStatus(iface(1, true, null, 0)));
        assertEquals(1, IfValues.adminStatus(iface(1, true, "up", 0)));
        assertEquals(2, IfValues.adminStatus(iface(1, false, "down", 0)));
    }

    @Test
    void speedsAreCappedNotWrapped() {
        assertEquals(0, IfValues.ifSpeed(0));
        assertEquals(0, IfValues.ifSpeed(-1), "driver says nothing");
        assertEquals(100_000_000L, IfValues.ifSpeed(100));
        assertEquals(4_000_000_000L, IfValues.ifSpeed(4000));
        assertEquals(4_294_967_295L, IfValues.ifSpeed(4295), "4.295 Gbit/s no longer fits");
        assertEquals(4_294_967_295L, IfValues.ifSpeed(10_000));
        assertEquals(4_294_967_295L, IfValues.ifSpeed(Long.MAX_VALUE), "no overflow");
        assertEquals(10_000, IfValues.highSpeed(10_000));
        assertEquals(0, IfValues.highSpeed(-1));
        assertEquals(4_294_967_295L, IfValues.highSpeed(Long.MAX_VALUE));
    }

    @Test
    void counter32WrapsModulo2To32() {
        assertEquals(0, IfValues.counter32(0));
        assertEquals(4_294_967_295L, IfValues.counter32(4_294_967_295L));
        assertEquals(0, IfValues.counter32(4_294_967_296L));
        assertEquals(5, IfValues.counter32(4_294_967_301L));
        assertEquals(IfValues.counter32(Long.MAX_VALUE), 4_294_967_295L);
    }

    @Test
    void unicastIsPacketsLessMulticastNeverNegative() {
        assertEquals(90, IfValues.unicast(100, 10));
        assertEquals(0, IfValues.unicast(5, 10), "counters read at slightly different times");
        assertEquals(100, IfValues.unicast(100, -1));
    }

    @Test
    void physAddressParsesColonHexAndRejectsAnythingElse() {
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, 0x0c, 0x00, 0x01, (byte) 0xff},
                IfValues.physAddress("aa:bb:0c:00:01:ff"));
        assertArrayEquals(new byte[] {0x0a, 0x0b}, IfValues.physAddress("A:B"));
        assertArrayEquals(new byte[0], IfValues.physAddress(""));
        assertArrayEquals(new byte[0], IfValues.physAddress(null));
        assertArrayEquals(new byte[0], IfValues.physAddress("zz:00"));
        assertArrayEquals(new byte[0], IfValues.physAddress("aa::bb"));
        assertArrayEquals(new byte[0], IfValues.physAddress("aaa:bb"));
        assertArrayEquals(new byte[0], IfValues.physAddress("-1:00"), "sign is not hex");
    }

    @Test
    void connectorOnlyOnEthernetTypes() {
        assertEquals(1, IfValues.connectorPresent(iface(1, true, "up", 0)));
        assertEquals(2, IfValues.connectorPresent(iface(772, true, "unknown", 0)));
        assertEquals(2, IfValues.connectorPresent(iface(65534, true, "unknown", 0)));
    }
}
