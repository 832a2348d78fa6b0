package net.coopwan.daemon.uplink.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UplinkFailureDeviceReaderTest {

    @TempDir
    Path root;

    private void dev(String name, String carrier, long rx, long tx) throws IOException {
        Path s = Files.createDirectories(root.resolve(name).resolve("statistics"));
        if (carrier != null) {
            Files.writeString(root.resolve(name).resolve("carrier"), carrier + "\n");
        }
        Files.writeString(s.resolve("rx_packets"), rx + "\n");
        Files.writeString(s.resolve("tx_packets"), tx + "\n");
    }

    @Test
    void readsCarrierAndPacketCounters() throws IOException {
        dev("wan", "1", 12, 34);
        dev("wan2", "0", 1, 2);
        dev("wan3", null, 5, 6); // admin down: carrier unreadable
        SysfsDeviceReader r = new SysfsDeviceReader(root);
        assertEquals(new DeviceReader.Reading(true, 12, 34), r.read("wan"));
        assertEquals(new DeviceReader.Reading(false, 1, 2), r.read("wan2"));
        assertEquals(new DeviceReader.Reading(false, 5, 6), r.read("wan3"));
        assertNull(r.read("nope"));
        assertThrows(IllegalArgumentException.class, () -> r.read("../wan"));
    }

    @Test
    void realLoopbackHasCarrier() {
        DeviceReader.Reading lo = new SysfsDeviceReader().read("lo");
        assertTrue(lo.carrier());
        assertTrue(lo.rxPackets() >= 0);
    }
}
