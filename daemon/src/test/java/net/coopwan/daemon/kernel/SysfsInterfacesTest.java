package net.coopwan.daemon.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.api.NetInterface;

class SysfsInterfacesTest {

    @TempDir
    Path root;

    private void dev(String name, int index, String oper, String flags, String speed) throws IOException {
        Path d = Files.createDirectories(root.resolve(name).resolve("statistics"));
        Files.writeString(d.getParent().resolve("ifindex"), index + "\n");
        Files.writeString(d.getParent().resolve("type"), "1\n");
        Files.writeString(d.getParent().resolve("address"), "02:00:00:00:00:0" + index + "\n");
        Files.writeString(d.getParent().resolve("mtu"), "1500\n");
        Files.writeString(d.getParent().resolve("flags"), flags + "\n");
        Files.writeString(d.getParent().resolve("operstate"), oper + "\n");
        if (speed != null) {
            Files.writeString(d.getParent().resolve("speed"), speed + "\n");
        }
        Files.writeString(d.resolve("rx_bytes"), (1000L * index) + "\n");
        Files.writeString(d.resolve("tx_bytes"), "18446744073709551\n");
    }

    @Test
    void readsEveryFieldAndSortsByIfindex() throws IOException {
        dev("eth1", 3, "up", "0x1003", "1000");
        dev("eth0", 2, "down", "0x1002", "-1");
        List<NetInterface> list = new SysfsInterfaces(root).list();
        assertEquals(List.of("eth0", "eth1"), list.stream().map(NetInterface::name).toList());
        NetInterface eth1 = list.get(1);
        assertEquals(3, eth1.index());
        assertEquals("02:00:00:00:00:03", eth1.mac());
        assertEquals(1000, eth1.speedMbps());
        assertTrue(eth1.adminUp());
        assertTrue(eth1.operUp());
        assertEquals(3000, eth1.counters().rxBytes());
        assertEquals(18446744073709551L, eth1.counters().txBytes());
        NetInterface eth0 = list.get(0);
        assertFalse(eth0.adminUp());
        assertFalse(eth0.operUp());
        assertEquals(0, eth0.speedMbps(), "speed -1 (unknown) reads as 0");
    }

    @Test
    void missingOrHalfGoneDevicesAreSkippedNotErrors() throws IOException {
        dev("eth1", 3, "up", "0x1003", null);
        Files.createDirectories(root.resolve("vanished"));
        assertEquals(1, new SysfsInterfaces(root).list().size());
        assertTrue(new SysfsInterfaces(root).byName("vanished").isEmpty());
        assertTrue(new SysfsInterfaces(root).byName("nope").isEmpty());
        assertTrue(new SysfsInterfaces(root).byName("../eth1").isEmpty(), "no path traversal");
    }

    @Test
    void realLoopbackIsSeenOnThisMachine() {
        NetInterface lo = new SysfsInterfaces().byName("lo").orElseThrow();
        assertEquals(772, lo.type());
        assertTrue(lo.operUp(), "lo reports operstate unknown with IFF_UP");
        assertTrue(new SysfsInterfaces().list().stream().anyMatch(i -> i.name().equals("lo")));
    }
}
