package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The suppression's shaper into the LAN against a real kernel: made with the table, replaced in
 * place, gone with it; a leftover of a killed daemon is removed at the next start, and a root
 * qdisc that is not ours is left alone. (What it does to a game's latency beside a download:
 * docs/benchmarks/latency/shaping-experiment.sh and the latency benchmark.)
 */
class SuppressionShaperNetnsTest {

    @Test
    void theShaperComesAndGoesWithTheTableAndLeavesOthersQdiscsAlone() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        try (Netns r = Netns.create("hq")) {
            r.sh("ip", "link", "add", "hqw0", "type", "veth", "peer", "name", "hqw1");
            r.sh("ip", "link", "add", "hql0", "type", "veth", "peer", "name", "hql1");
            r.sh("ip", "link", "add", "hqo0", "type", "veth", "peer", "name", "hqo1");
            for (String d : List.of("hqw0", "hql0", "hqo0")) {
                r.sh("ip", "link", "set", d, "up");
            }
            SuppressionRules rules = new SuppressionRules(r.runner);
            SuppressionPlan plan = new SuppressionPlan(List.of("hqw0"), 20, 125_000, 0, 0, true,
                    new SuppressionShaper(List.of("hql0"), 1_125_000, java.util.Map.of("hqw0", 250_000L),
                            List.of("198.18.0.1:4791")));
            assertTrue(rules.apply(plan), "new shapers start at half their rate");
            // first half the rate (SuppressionRules.DRAIN_PERCENT: the ISP's queue drains), then the rate
            assertTrue(r.sh("tc", "class", "show", "dev", "hql0").contains("rate 4500Kbit"),
                    r.sh("tc", "class", "show", "dev", "hql0"));
            rules.settle();
            String q = r.sh("tc", "qdisc", "show", "dev", "hql0");
            String c = r.sh("tc", "class", "show", "dev", "hql0");
            // the rest in a tbf at the rate: 50 ms of 9 Mbit/s queued, a bucket of one full frame
            assertTrue(q.contains("qdisc htb c0f: root") && q.contains("tbf c20: parent c0f:20 rate 9Mbit burst 151"), q);
            assertTrue(c.contains("class htb c0f:10") && c.contains("class htb c0f:20") && c.contains("rate 9Mbit"), c);
            String table = r.sh("nft", "list", "table", "inet", "coopwan_supp");
            assertTrue(table.contains("oifname @shaped ct mark & 0x") && table.contains("meta priority set c0f:10"), table);
            // the uplink's shaper: 2 Mbit/s; a sealed LC copy to the concentrator goes into the first
            // class, a datagram of another type to it and a copy to another port into the second
            assertTrue(r.sh("tc", "qdisc", "show", "dev", "hqw0").contains("qdisc htb c0f: root"));
            assertTrue(r.sh("tc", "class", "show", "dev", "hqw0").contains("rate 2Mbit"));
            r.sh("ip", "link", "set", "hqw1", "up");
            r.sh("ip", "addr", "add", "198.18.0.2/24", "dev", "hqw0");
            r.sh("ip", "neigh", "replace", "198.18.0.1", "lladdr", "02:00:00:00:00:01", "dev", "hqw0");
            r.sh("python3", "-c", String.join("\n", "import socket",
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "for i in range(3): s.sendto(bytes([1, 11]) + bytes(98), ('198.18.0.1', 4791))",
                    "for i in range(5): s.sendto(bytes([1, 3]) + bytes(98), ('198.18.0.1', 4791))",
                    "for i in range(7): s.sendto(bytes([1, 11]) + bytes(98), ('198.18.0.1', 4792))"));
            String classes = r.sh("tc", "-s", "class", "show", "dev", "hqw0");
            assertTrue(classes.matches("(?s).*class htb c0f:10 .*?Sent \\d+ bytes 3 pkt.*"), classes);
            java.util.regex.Matcher rest = java.util.regex.Pattern.compile("class htb c0f:20 .*?Sent \\d+ bytes (\\d+) pkt",
                    java.util.regex.Pattern.DOTALL).matcher(classes);
            // (the 12 datagrams, and whatever the kernel says on a new link: a router solicitation)
            assertTrue(rest.find() && Integer.parseInt(rest.group(1)) >= 12, classes);

            // a new rate in place: still shaped, the new rate
            rules.apply(new SuppressionPlan(List.of("hqw0"), 20, 125_000, 0, 0, true,
                    new SuppressionShaper(List.of("hql0"), 625_000, java.util.Map.of(), List.of())));
            assertTrue(r.sh("tc", "class", "show", "dev", "hql0").contains("rate 5Mbit"));
            assertFalse(r.sh("tc", "qdisc", "show", "dev", "hqw0").contains("c0f:"), "the uplink's shaper gone with its rate");

            rules.stop();
            assertFalse(r.sh("tc", "qdisc", "show", "dev", "hql0").contains("c0f:"), "stop: our shaper gone");
            assertFalse(r.sh("tc", "qdisc", "show", "dev", "hqw0").contains("c0f:"), "stop: our shaper gone");
            assertFalse(r.runner.run(List.of("nft", "list", "table", "inet", "coopwan_supp"), null, java.time.Duration.ofSeconds(10)).succeeded());

            // a killed daemon's shaper, and someone else's root qdisc: the start removes ours only
            for (List<String> argv : SuppressionRules.shaper("hql0", 625_000)) {
                r.runner.check(argv, null, java.time.Duration.ofSeconds(10));
            }
            r.sh("tc", "qdisc", "replace", "dev", "hqo0", "root", "handle", "1:", "tbf", "rate", "1mbit", "burst", "3000",
                    "limit", "30000");
            new SuppressionRules(r.runner).removeAll(List.of("hql0", "hqo0"));
            assertFalse(r.sh("tc", "qdisc", "show", "dev", "hql0").contains("c0f:"));
            assertTrue(r.sh("tc", "qdisc", "show", "dev", "hqo0").contains("qdisc tbf 1: root"), "not ours: kept");
        }
    }
    /** A device whose root qdisc someone configured (an SQM's, a lab's line) keeps it: no shaper of ours there, before or after. */
    @Test
    void aRootQdiscOfSomeoneElsesIsNeverReplaced() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        try (Netns r = Netns.create("hq")) {
            r.sh("ip", "link", "add", "hqw0", "type", "veth", "peer", "name", "hqw1");
            r.sh("ip", "link", "set", "hqw0", "up");
            r.sh("tc", "qdisc", "replace", "dev", "hqw0", "root", "handle", "1:", "tbf", "rate", "1mbit", "burst", "3000",
                    "limit", "30000");
            SuppressionRules rules = new SuppressionRules(r.runner);
            rules.apply(new SuppressionPlan(List.of("hqw0"), 20, 125_000, 0, 0, true,
                    new SuppressionShaper(List.of(), 0, java.util.Map.of("hqw0", 250_000L), List.of())));
            assertTrue(r.sh("tc", "qdisc", "show", "dev", "hqw0").contains("qdisc tbf 1: root"), "not replaced");
            assertFalse(r.sh("nft", "list", "table", "inet", "coopwan_supp").contains("shaped"),
                    "not counted as shaped: the seed's drops hold its traffic back");
            rules.stop();
            assertTrue(r.sh("tc", "qdisc", "show", "dev", "hqw0").contains("qdisc tbf 1: root"), "still there after stop");
        }
    }

    /**
     * A TCP upload whose packets the sender's stack builds as many segments at once (GSO) leaves a
     * shaped device as single frames: the line behind the shaper never gets 64 kB at once. Without
     * the tbf the far end received frames of up to 64 kB (veth passes them as they are).
     */
    @Test
    void anUploadOfManySegmentsPerPacketLeavesTheShaperAsSingleFrames() throws Exception {
        assumeTrue(Netns.available(), "needs root and ip netns");
        try (Netns r = Netns.create("hq"); Netns far = Netns.create("hq")) {
            r.veth("hqw0", far, "hqf0");
            r.sh("ip", "addr", "add", "198.18.61.1/24", "dev", "hqw0");
            far.sh("ip", "addr", "add", "198.18.61.2/24", "dev", "hqf0");
            SuppressionRules rules = new SuppressionRules(r.runner);
            rules.apply(new SuppressionPlan(List.of("hqw0"), 20, 0, 0, 0, false,
                    new SuppressionShaper(List.of(), 0, java.util.Map.of("hqw0", 1_000_000L), List.of()))); // a bucket of one frame (1 ms of it is less)
            String receiver = String.join("\n", "import select, socket, sys, time",
                    "cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))",
                    "cap.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)",
                    "cap.bind(('hqf0', 0x0800))",
                    "cap.setblocking(False)",
                    "srv = socket.socket()",
                    "srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                    "srv.bind(('198.18.61.2', 5004))",
                    "srv.listen(1)",
                    "print('ready', flush=True)",
                    "srv.settimeout(10)",
                    "c, _ = srv.accept()",
                    "c.setblocking(False)",
                    "got = largest = frames = 0",
                    "done = False",
                    "end = time.monotonic() + 20",
                    "while time.monotonic() < end and not done:",
                    "    ready, _, _ = select.select([cap, c], [], [], 0.2)",
                    "    if c in ready:",
                    "        d = c.recv(1 << 16)",
                    "        got += len(d)",
                    "        done = not d",
                    "    while True:",
                    "        try:",
                    "            f = cap.recv(1 << 17)",
                    "        except BlockingIOError:",
                    "            break",
                    "        frames += 1",
                    "        largest = max(largest, len(f))",
                    "print(got, frames, largest, flush=True)");
            String sender = String.join("\n", "import socket",
                    "s = socket.create_connection(('198.18.61.2', 5004), timeout=10)",
                    "data = b'x' * (1 << 16)",
                    "for _ in range(24):",
                    "    s.sendall(data)",
                    "s.close()",
                    "print('sent', flush=True)");
            String[] got;
            try (NetnsProcess rx = new NetnsProcess(far, "python3", "-c", receiver)) {
                assertEquals("ready", rx.line(java.time.Duration.ofSeconds(10)));
                try (NetnsProcess tx = new NetnsProcess(r, "python3", "-c", sender)) {
                    assertEquals("sent", tx.line(java.time.Duration.ofSeconds(20)));
                }
                got = rx.line(java.time.Duration.ofSeconds(25)).split(" ");
            }
            String stats = r.sh("tc", "-s", "qdisc", "show", "dev", "hqw0");
            System.out.printf("suppression shaper netns, GSO: %s B in %s frames, the largest %s B%n", got[0], got[1], got[2]);
            assertEquals(24L << 16, Long.parseLong(got[0]), "the whole upload arrived: " + stats);
            assertTrue(Integer.parseInt(got[2]) <= 1514, "single frames only: " + String.join(" ", got) + "\n" + stats);
            rules.stop();
        }
    }
}
