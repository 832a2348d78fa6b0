package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Parsing conntrack's text: UDP flows with their counters, TCP flows as before the shared tokenizer; fuzzed. */
class ConntrackUdpFlowTest {

    static final String TEXT = String.join("\n",
            "ipv4     2 udp      17 29 src=100.64.80.2 dst=198.18.90.2 sport=40000 dport=5000 packets=150 bytes=18000 "
                    + "src=198.18.90.2 dst=198.18.81.1 sport=5000 dport=40000 packets=149 bytes=17880 [ASSURED] mark=1048576 "
                    + "zone=0 use=2",
            "ipv4     2 udp      17 25 src=100.64.80.2 dst=198.18.90.2 sport=40001 dport=53 [UNREPLIED] "
                    + "src=198.18.90.2 dst=100.64.80.2 sport=53 dport=40001 mark=0 zone=0 use=2",
            "ipv4     2 tcp      6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40002 dport=80 packets=5 "
                    + "bytes=300 src=198.18.90.2 dst=100.64.80.2 sport=80 dport=40002 packets=4 bytes=9000 [ASSURED] "
                    + "mark=2097152 zone=0 delta-time=7 use=1",
            "ipv6     10 udp      17 29 src=::1 dst=::1 sport=1 dport=2 mark=0 use=1",
            "ipv4 2 udp 17 29 src=1.2.3 dst=198.18.90.2 sport=1 dport=2 mark=0 use=1",
            "ipv4 2 udp 17 29 src=1.2.3.4 dst=198.18.90.2 sport=1 dport=2 packets=x mark=0 use=1",
            "garbage");

    static int ip(String s) {
        return Ipv4Cidr.toInt(Ipv4Cidr.parseAddress(s));
    }

    @Test
    void udpLinesWithCountersEachWayOthersSkippedAndCounted() {
        long[] skipped = new long[1];
        List<ConntrackUdpFlow> flows = ConntrackUdpFlow.parse(TEXT, skipped);
        assertEquals(List.of(
                new ConntrackUdpFlow(ip("100.64.80.2"), 40000, ip("198.18.90.2"), 5000, 150, 18000, 149, 17880, 1048576),
                new ConntrackUdpFlow(ip("100.64.80.2"), 40001, ip("198.18.90.2"), 53, 0, 0, 0, 0, 0)), flows);
        assertEquals(5, skipped[0]);
    }

    @Test
    void tcpFlowsParseAsTheyDidBeforeTheSharedTokenizer() {
        assertEquals(List.of(new ConntrackFlow("100.64.80.2", 40002, "198.18.90.2", 80, 300, 9000, 7, 2097152)),
                ConntrackFlow.parse(TEXT, SteerMarks.SHARED));
        assertEquals(List.of(), ConntrackFlow.parse(TEXT, SteerMarks.LATENCY_CRITICAL | SteerMarks.SHARED));
    }

    /** Fuzz: mutated and random lines never throw; what parses keeps its invariants. */
    @Test
    void mutatedLinesNeverThrow() {
        Random rnd = new Random(1717);
        byte[] base = TEXT.getBytes(StandardCharsets.US_ASCII);
        String alphabet = "0123456789.= -abcdefghijklmnopqrstuvwxyz[]\n";
        int parsed = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] b = base.clone();
            for (int k = 0; k < 1 + rnd.nextInt(12); k++) {
                b[rnd.nextInt(b.length)] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
            }
            String text = new String(b, StandardCharsets.US_ASCII);
            if (rnd.nextInt(10) == 0) {
                text = text.substring(0, rnd.nextInt(text.length()));
            }
            for (ConntrackUdpFlow f : ConntrackUdpFlow.parse(text, new long[1])) {
                assertTrue(f.sourcePort() >= 1 && f.destinationPort() <= 65535 && f.packetsOriginal() >= 0);
                parsed++;
            }
            ConntrackFlow.parse(text, 0);
        }
        assertTrue(parsed > 0, "some mutated lines still parse, so the invariants were checked");
    }
}
