package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The sharer's readings of its kernel state: the counters of {@code nft list counters} per borrower
 * and the connections of a borrower in {@code /proc/net/nf_conntrack} by its inner address; random
 * and cut input never throws and never counts what is not there.
 */
class SharingLenderRulesTest {

    static final String LISTED = """
            table inet coopwan_lend {
            	counter carried_down_r4796 {
            		packets 120 bytes 170000
            	}
            	counter over_down_r4796 {
            		packets 3 bytes 4500
            	}
            	counter carried_up_r4796 {
            		packets 80 bytes 6400
            	}
            	counter carried_down_r4797 {
            		packets 1 bytes 60
            	}
            }
            """;

    static final String CONNTRACK = ""
            + "ipv4     2 tcp      6 431999 ESTABLISHED src=100.127.255.6 dst=198.18.60.2 sport=40100 dport=80 "
            + "src=198.18.60.2 dst=198.18.60.1 sport=80 dport=40100 [ASSURED] mark=12582912 zone=0 use=2\n"
            + "ipv4     2 tcp      6 117 TIME_WAIT src=100.127.255.6 dst=198.18.60.2 sport=40101 dport=80 "
            + "src=198.18.60.2 dst=198.18.60.1 sport=80 dport=40101 [ASSURED] mark=0 zone=0 use=2\n"
            + "ipv4     2 udp      17 29 src=100.64.0.2 dst=100.64.0.1 sport=4796 dport=4796 "
            + "src=100.64.0.1 dst=100.64.0.2 sport=4796 dport=4796 mark=0 zone=0 use=2\n"
            + "ipv4     2 tcp      6 300 ESTABLISHED src=100.127.255.66 dst=198.18.60.2 sport=1 dport=80 "
            + "src=198.18.60.2 dst=100.127.255.6 sport=80 dport=1 mark=0 zone=0 use=2\n";

    @Test
    void countersPerBorrowerAllThreeOfThem() {
        assertEquals(List.of(new SharingLenderRules.Counters("r4796", 170000, 4500, 6400),
                new SharingLenderRules.Counters("r4797", 60, 0, 0)), SharingLenderRules.parseCounters(LISTED));
        assertEquals(List.of(), SharingLenderRules.parseCounters(""));
    }

    @Test
    void sessionsAreTheLinesWhoseOriginalSourceIsTheBorrowersInnerAddress() {
        assertEquals(2, SharingLenderRules.countFrom(CONNTRACK, "100.127.255.6"),
                "not the line whose reply goes to it, not a longer address");
        assertEquals(1, SharingLenderRules.countFrom(CONNTRACK, "100.127.255.66"));
        assertEquals(0, SharingLenderRules.countFrom(CONNTRACK, "100.127.255.7"));
        assertEquals(0, SharingLenderRules.countFrom("", "100.127.255.6"));
    }

    @Test
    void cutAndRandomInputNeverThrowsNorCountsMore() {
        Random r = new Random(0x5eed);
        String alphabet = "src=0123456789. \n{}counterpacketsbytes_carried_down_up_over_r";
        for (int i = 0; i < 5_000; i++) {
            String cut = CONNTRACK.substring(0, r.nextInt(CONNTRACK.length() + 1));
            assertTrue(SharingLenderRules.countFrom(cut, "100.127.255.6") <= 2, cut);
            String listed = LISTED.substring(0, r.nextInt(LISTED.length() + 1));
            assertTrue(SharingLenderRules.parseCounters(listed).size() <= 2, listed);
            StringBuilder noise = new StringBuilder();
            for (int j = r.nextInt(300); j > 0; j--) {
                noise.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            SharingLenderRules.countFrom(noise.toString(), "100.127.255.6");
            for (SharingLenderRules.Counters c : SharingLenderRules.parseCounters(noise.toString())) {
                assertTrue(c.carriedBytes() >= 0 && c.droppedBytes() >= 0 && c.carriedUpBytes() >= 0, c.toString());
            }
        }
        // more digits than a long: skipped, not thrown
        assertEquals(List.of(new SharingLenderRules.Counters("r1", 0, 0, 0)), SharingLenderRules.parseCounters(
                "counter carried_down_r1 {\n packets 1 bytes 99999999999999999999999\n}"));
    }
}
