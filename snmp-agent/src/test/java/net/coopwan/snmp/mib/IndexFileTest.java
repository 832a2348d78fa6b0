package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.ControlException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.PDU;

class IndexFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripAndNoTempFileLeft() throws Exception {
        IndexFile f = new IndexFile(dir.resolve("snmp"));
        assertEquals(Map.of(), f.read().get("uplink"), "no file yet: empty");
        assertTrue(f.write(Map.of("wan", 1, "lte", 2), Map.of("bond0", 7)));
        Map<String, Map<String, Integer>> back = new IndexFile(dir.resolve("snmp")).read();
        assertEquals(Map.of("wan", 1, "lte", 2), back.get("uplink"));
        assertEquals(Map.of("bond0", 7), back.get("bond"));
        try (var files = Files.list(dir.resolve("snmp"))) {
            assertEquals(1, files.count(), "only indexes.properties");
        }
    }

    @Test
    void eachTableWritesItsOwnKindsAndAnyPeerIdRoundTrips() throws Exception {
        IndexFile bonds = new IndexFile(dir);
        IndexFile peers = new IndexFile(dir);
        assertTrue(bonds.write(Map.of("wan", 1), Map.of("bond0", 7)));
        // Peer ids come from other routers: nothing in them may break the file.
        Map<String, Integer> odd = Map.of("coop-0123456789abcdef", 1, "a=b:c d#e!f\\g", 2, "new\nline.peer=9", 3,
                "\u00e4\u20ac", 4);
        assertTrue(peers.write(Map.of("peer", odd)));
        Map<String, Map<String, Integer>> back = new IndexFile(dir).read();
        assertEquals(odd, back.get("peer"));
        assertEquals(Map.of("wan", 1), back.get("uplink"), "the peer table's write kept the uplinks");
        assertEquals(Map.of("bond0", 7), back.get("bond"));
        assertTrue(bonds.write(Map.of("wan", 1, "lte", 2), Map.of()));
        assertEquals(odd, new IndexFile(dir).read().get("peer"), "the bond table's write kept the peers");
    }

    @Test
    void badLinesAreIgnoredNotFatal() throws Exception {
        Files.writeString(dir.resolve("indexes.properties"),
                "uplink.wan=1\nuplink.lte=zero\nbond.b=70000\nbond.c=0\nother.x=3\nbond.ok=5\n");
        Map<String, Map<String, Integer>> m = new IndexFile(dir).read();
        assertEquals(Map.of("wan", 1), m.get("uplink"));
        assertEquals(Map.of("ok", 5), m.get("bond"));
        assertFalse(m.containsKey("other"));
    }

    @Test
    void controlApiReasonsMapAsTheMibSays() {
        assertEquals(PDU.wrongValue, BondMib.snmpError(new ControlException(Reason.INVALID_VALUE, "x")));
        assertEquals(PDU.inconsistentValue, BondMib.snmpError(new ControlException(Reason.INCONSISTENT, "x")));
        assertEquals(PDU.inconsistentValue, BondMib.snmpError(new ControlException(Reason.ALREADY_EXISTS, "x")));
        assertEquals(PDU.inconsistentName, BondMib.snmpError(new ControlException(Reason.NOT_FOUND, "x")));
        assertEquals(PDU.resourceUnavailable,
                BondMib.snmpError(new ControlException(Reason.RESOURCE_UNAVAILABLE, "x")));
    }

    @Test
    void modesMapToTheMibEnumeration() {
        assertEquals(1, BondMib.modeValue("wrr"));
        assertEquals(2, BondMib.modeValue("adaptive"));
        assertEquals(3, BondMib.modeValue("active-backup"));
    }
}
