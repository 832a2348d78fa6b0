package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The sharer's readings of its kernel state: the counters of {@code nft list counters} per borrower
 * and the connections of a borrower in {@code /proc/net/nf_conntrack} by its inner address; random
 * and cut input never throws and never counts what is not there. And which limits each direction's
 * change touches (the real kernel's behaviour: SharingLenderNetnsTest, SharingQuotaNetnsTest).
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

    /** The nft transactions {@code rules} ran since {@code from}, joined. */
    private static String ran(RecordingCommandRunner r, int from) {
        StringBuilder b = new StringBuilder();
        for (RecordingCommandRunner.Call c : r.calls().subList(from, r.calls().size())) {
            b.append(c.stdin());
        }
        return b.toString();
    }

    private static final String T = "inet coopwan_lend ";

    /**
     * Each direction's quota is its own: a change in one re-creates only its limit (the other's
     * bucket keeps its state), in the other slot with the replaced one beside it until settle; a
     * change within the window of the last replaces the newer and keeps the older; settle drops
     * the older in every direction that holds one, and nothing twice.
     */
    @Test
    void eachDirectionReplacesOnlyItsOwnLimitAndKeepsTheOldOneUntilSettled() {
        RecordingCommandRunner r = new RecordingCommandRunner();
        SharingLenderRules rules = new SharingLenderRules(r);
        EmergencyQuota q1 = new EmergencyQuota(625_000, 1000);
        EmergencyQuota q2 = new EmergencyQuota(250_000, 1000);
        EmergencyQuota q3 = new EmergencyQuota(12_500, 1000);
        rules.apply("r4796", "cwh4", q1, q1);
        String first = ran(r, 0);
        assertTrue(first.contains("add limit " + T + "qd0_r4796 { " + q1.nftSpec()) && first.contains("add limit " + T
                + "qu0_r4796 { " + q1.nftSpec()), first);
        assertFalse(first.contains("qd1_") || first.contains("qu1_"), first);

        int at = r.calls().size();
        rules.apply("r4796", "cwh4", q2, q1); // the download offer fell
        String down = ran(r, at);
        assertTrue(down.contains("add limit " + T + "qd1_r4796 { " + q2.nftSpec()), down);
        assertTrue(down.contains("add rule " + T + "b_r4796 limit name \"qd1_r4796\"")
                && down.contains("add rule " + T + "b_r4796 limit name \"qd0_r4796\""), "the old one beside it: " + down);
        assertFalse(down.contains("u_r4796 limit") || down.contains("flush chain " + T + "u_r4796") || down.contains("qu"),
                "the upload's limit untouched: " + down);

        at = r.calls().size();
        rules.apply("r4796", "cwh4", q3, q2); // within the window: down a third time, up a second
        String again = ran(r, at);
        assertTrue(again.contains("add limit " + T + "qd1_r4796 { " + q3.nftSpec()), "the newer slot takes it: " + again);
        assertFalse(again.contains("delete limit " + T + "qd0_r4796"), "the older holds on: " + again);
        assertTrue(again.contains("add limit " + T + "qu1_r4796 { " + q2.nftSpec())
                && again.contains("add rule " + T + "u_r4796 limit name \"qu0_r4796\""), again);

        at = r.calls().size();
        rules.apply("r4796", "cwh4", q3, q2);
        assertFalse(ran(r, at).contains("limit"), "the same quotas: no limit touched, " + ran(r, at));

        at = r.calls().size();
        rules.settle("r4796", "cwh4");
        String settled = ran(r, at);
        assertTrue(settled.contains("delete limit " + T + "qd0_r4796") && settled.contains("delete limit " + T + "qu0_r4796"),
                settled);
        assertFalse(settled.contains("limit name \"qd0_") || settled.contains("limit name \"qu0_"), settled);
        assertTrue(settled.contains("limit name \"qd1_r4796\"") && settled.contains("limit name \"qu1_r4796\""), settled);
        at = r.calls().size();
        rules.settle("r4796", "cwh4");
        assertEquals(at, r.calls().size(), "nothing left to settle");

        rules.apply("r4796", "cwh4", q1, q2); // the download offer back up: the free slot
        String back = ran(r, at);
        assertTrue(back.contains("add limit " + T + "qd0_r4796 { " + q1.nftSpec())
                && back.contains("limit name \"qd1_r4796\""), back);

        at = r.calls().size();
        rules.remove("r4796", "cwh4");
        String removed = ran(r, at);
        for (String l : List.of("qd0_", "qd1_", "qu0_", "qu1_")) {
            assertTrue(removed.contains("delete limit " + T + l + "r4796"), l + ": " + removed);
        }
        at = r.calls().size();
        rules.apply("r4796", "cwh4", q2, q2);
        String fresh = ran(r, at);
        assertTrue(fresh.contains("qd0_r4796") && !fresh.contains("qd1_"), "after removal it starts afresh: " + fresh);
    }
}
