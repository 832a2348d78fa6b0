package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link Absent#counters}, the one reading of {@code nft list counters} behind the latency,
 * sharing-borrower and emergency-requester tables: a listing parsed, an absent table null, any
 * other failure thrown.
 */
class CountersListingTest {

    private static String listing(String table, String... nameAndBytes) {
        StringBuilder b = new StringBuilder("table inet " + table + " {\n");
        for (int i = 0; i < nameAndBytes.length; i += 2) {
            b.append("\tcounter ").append(nameAndBytes[i]).append(" {\n\t\tpackets 1 bytes ").append(nameAndBytes[i + 1])
                    .append("\n\t}\n");
        }
        return b.append("}\n").toString();
    }

    private static final CommandResult ABSENT = new CommandResult(1, "", "Error: No such file or directory\nlist counters table inet x");
    private static final CommandResult BROKEN = new CommandResult(1, "", "Error: Operation not permitted");

    @Test
    void eachTableReadsItsListingAndAbsentIsNull() {
        RecordingCommandRunner os = new RecordingCommandRunner()
                .answer("nft list counters table inet coopwan_emerg", listing("coopwan_emerg", "via_helper_out", "300",
                        "via_helper_in", "9000"))
                .answer("nft list counters table inet coopwan_share", listing("coopwan_share", "moved", "0",
                        "eligible", "0", "via_sharer_up", "12", "via_sharer_down", "34"))
                .answer("nft list counters table inet coopwan_lc", listing("coopwan_lc", "app_lol", "0", "lc_packets", "0"));
        assertArrayEquals(new long[] {300, 9000}, new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 3190, 31090).counters());
        assertEquals(new SharingBorrowerRules.Counters(1, 1, 12, 34),
                new SharingBorrowerRules(os, SteerRanges.DEFAULTS, 3185, 31085).counters());
        assertEquals(new LatencyRules.Counters(Map.of("lol", 1L), 0, 0, 0, 1), new LatencyRules(os).counters());

        RecordingCommandRunner gone = new RecordingCommandRunner()
                .answer("nft list counters table inet coopwan_emerg", ABSENT)
                .answer("nft list counters table inet coopwan_share", ABSENT)
                .answer("nft list counters table inet coopwan_lc", ABSENT);
        assertNull(new EmergencyRequesterRules(gone, SteerRanges.DEFAULTS, 3190, 31090).counters());
        assertNull(new SharingBorrowerRules(gone, SteerRanges.DEFAULTS, 3185, 31085).counters());
        assertNull(new LatencyRules(gone).counters());
    }

    @Test
    void anotherFailureIsThrownWithTheCommand() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer("nft list counters table inet coopwan_lc", BROKEN);
        String m = assertThrows(SteerException.class, () -> new LatencyRules(os).counters()).getMessage();
        assertEquals("command failed (exit 1): nft list counters table inet coopwan_lc: Error: Operation not permitted", m);
    }
}
