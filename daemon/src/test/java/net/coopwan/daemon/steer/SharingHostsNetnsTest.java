package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.SessionPreference;
import net.coopwan.daemon.coop.sharing.hosts.Packets;
import net.coopwan.daemon.coop.sharing.hosts.Packets.Rr;
import net.coopwan.daemon.datapath.HostLearning;
import net.coopwan.daemon.testing.InNetns;

/**
 * The borrower learns download hosts against a real kernel: real nft copies to a real NFLOG group,
 * read on a real netlink socket. lan -- rt (the borrower) -- srv over rt's own uplink {@code hdaw0},
 * and rt -- shr over {@code hdshare0}, a veth standing for the tunnel to the sharer; the servers
 * 198.18.7.7-10 exist on srv and on shr, each answering with its own name, so a connection tells
 * which path it took. DNS: rt's own resolver (a Java UDP server in rt, answers to the LAN leave
 * through the output hook) and one on srv (its answers are forwarded). Namespaces {@code hd<6 hex>}.
 */
class SharingHostsNetnsTest {
    static final String PREFIX = "hd";
    private static final Duration S10 = Duration.ofSeconds(10);
    private static final String RT_LAN = "100.64.90.1";
    private static final String FAR_DNS = "198.18.91.2";
    private static final String DOWNLOAD = "198.18.7.7";
    private static final String WWW = "198.18.7.8";
    private static final String FILES_EU = "198.18.7.9";
    private static final String SNI_ONLY = "198.18.7.10";

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available() && InNetns.available(), "needs root, ip netns and libc through jnr");
        Netns.removeLeftovers(PREFIX);
    }

    /** A tiny DNS server: answers each A query from {@code answers} (a malformed message for "broken."). */
    static Thread resolver(Netns ns, String address, Map<String, List<Rr>> answers, AtomicBoolean stop) throws Exception {
        DatagramSocket s = InNetns.call(ns.name, () -> {
            DatagramSocket d = new DatagramSocket(new InetSocketAddress(address, 53));
            d.setSoTimeout(100);
            return d;
        });
        Thread t = new Thread(() -> {
            byte[] buf = new byte[512];
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (s) {
                while (!stop.get() && System.nanoTime() < until) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    String name = qname(buf);
                    int id = (buf[0] & 0xff) << 8 | (buf[1] & 0xff);
                    byte[] answer = Packets.dnsAnswer(id, name, answers.getOrDefault(name, List.of()));
                    if (name.startsWith("broken.")) {
                        answer[12] = (byte) 0xc0; // the question's name points at itself
                        answer[13] = 12;
                    }
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (Exception e) {
                // the test's own assertions say what went wrong
            }
        }, "dns-" + ns.name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String qname(byte[] q) {
        StringBuilder s = new StringBuilder();
        for (int p = 12; p < q.length && q[p] != 0 && s.length() < 255; p += 1 + q[p]) {
            s.append(s.length() == 0 ? "" : ".").append(new String(q, p + 1, q[p], StandardCharsets.US_ASCII));
        }
        return s.toString();
    }

    /** The LAN host asks {@code server} for {@code name}; the answer's size (the forwarding is untouched). */
    static int resolve(Netns lan, String server, String name) throws Exception {
        return InNetns.call(lan.name, () -> {
            try (DatagramSocket d = new DatagramSocket()) {
                d.setSoTimeout(3000);
                java.io.ByteArrayOutputStream q = new java.io.ByteArrayOutputStream();
                q.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
                for (String l : name.split("\\.")) {
                    q.write(l.length());
                    q.writeBytes(l.getBytes(StandardCharsets.US_ASCII));
                }
                q.writeBytes(new byte[] {0, 0, 1, 0, 1});
                d.send(new DatagramPacket(q.toByteArray(), q.size(), InetAddress.getByName(server), 53));
                DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                d.receive(p);
                return p.getLength();
            }
        });
    }

    /** A new session from the LAN host: the name of the end that answered. */
    static String connect(Netns lan, String address, int port, byte[] first) throws Exception {
        return InNetns.call(lan.name, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 3000);
                s.setSoTimeout(3000);
                OutputStream o = s.getOutputStream();
                o.write(first);
                o.write('\n');
                o.flush();
                InputStream in = s.getInputStream();
                StringBuilder b = new StringBuilder();
                for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                    b.append((char) c);
                }
                return b.toString();
            }
        });
    }

    static Set<String> avoided(Netns rt) {
        String out = rt.sh("nft", "list", "set", "inet", SharingBorrowerRules.TABLE, "avoid");
        Set<String> s = new TreeSet<>();
        Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)").matcher(out);
        while (m.find()) {
            s.add(m.group(1));
        }
        return s;
    }

    /** Waits (bounded) until {@code avoid} holds {@code address}; the milliseconds it took. */
    static long awaitAvoided(Netns rt, String address) throws InterruptedException {
        long start = System.nanoTime();
        while (!avoided(rt).contains(address) && System.nanoTime() - start < S10.toNanos()) {
            Thread.sleep(5);
        }
        assertTrue(avoided(rt).contains(address), address + " in avoid: " + avoided(rt));
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void downloadHostsFromDnsAndSniStayHomeAndTheOthersMove() throws Exception {
        List<Netns> made = new ArrayList<>();
        List<NetnsProcess> servers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        HostLearning learning = null;
        try {
            Netns lan = Netns.create(PREFIX);
            made.add(lan);
            Netns rt = Netns.create(PREFIX);
            made.add(rt);
            Netns srv = Netns.create(PREFIX);
            made.add(srv);
            Netns shr = Netns.create(PREFIX);
            made.add(shr);
            lan.veth("hdl0", rt, "hdal0");
            rt.veth("hdaw0", srv, "hdsw0");
            rt.veth("hdshare0", shr, "hdht0");
            lan.sh("ip", "addr", "add", "100.64.90.2/24", "dev", "hdl0");
            lan.sh("ip", "route", "add", "default", "via", RT_LAN);
            rt.sh("ip", "addr", "add", RT_LAN + "/24", "dev", "hdal0");
            rt.sh("ip", "addr", "add", "198.18.91.1/24", "dev", "hdaw0");
            rt.sh("ip", "addr", "add", "100.127.254.2/30", "dev", "hdshare0");
            rt.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            rt.sh("ip", "route", "add", "default", "via", FAR_DNS);
            srv.sh("ip", "addr", "add", FAR_DNS + "/24", "dev", "hdsw0");
            shr.sh("ip", "addr", "add", "100.127.254.1/30", "dev", "hdht0");
            for (Netns far : List.of(srv, shr)) {
                for (String a : List.of(DOWNLOAD, WWW, FILES_EU, SNI_ONLY)) {
                    far.sh("ip", "addr", "add", a + "/32", "dev", "lo");
                }
                for (String port : List.of("80", "443")) {
                    NetnsProcess p = new NetnsProcess(far, "python3", "-c", SharingBorrowerNetnsTest.SERVER,
                            far == srv ? "own" : "sharer", port);
                    servers.add(p);
                    assertEquals("ready", p.line(S10));
                }
            }
            new NatRules(rt.runner).apply(new NatPlan(List.of(new Masquerade("hdaw0", "100.64.90.0/24")), List.of()));
            resolver(rt, RT_LAN, Map.of("download.example.test",
                    List.of(Rr.a("download.example.test", Packets.address(DOWNLOAD), 300))), stop);
            resolver(srv, FAR_DNS, Map.of(
                    "www.example.test", List.of(Rr.a("www.example.test", Packets.address(WWW), 300)),
                    "cdn.example.test", List.of(Rr.cname("cdn.example.test", "files-eu.example.test"),
                            Rr.a("files-eu.example.test", Packets.address(FILES_EU), 30))), stop);

            SharingBorrowerRules rules = new SharingBorrowerRules(rt.runner, SteerRanges.DEFAULTS,
                    SharingBorrowerRules.DEFAULT_TABLE, SharingBorrowerRules.DEFAULT_PRIORITY);
            rules.open(new SharingBorrowerPlan(List.of("hdal0"), "hdshare0", Set.of(80, 443)));
            rules.share(1000);
            SharingHostRules copies = new SharingHostRules(rt.runner, SharingHostRules.DEFAULT_GROUP);
            HostLearning l = new HostLearning(copies, List.of("hdal0"), new SessionPreference(),
                    rules::avoid, Clock.systemUTC());
            learning = l;
            InNetns.call(rt.name, () -> {
                l.start(log::add);
                return null;
            });
            assertTrue(rt.sh("nft", "list", "tables").contains(SharingHostRules.TABLE));

            assertTrue(resolve(lan, RT_LAN, "download.example.test") > 12, "the router's own answer reaches the LAN");
            long learnedMs = awaitAvoided(rt, DOWNLOAD);
            assertTrue(resolve(lan, FAR_DNS, "www.example.test") > 12, "a forwarded answer reaches the LAN");
            assertTrue(resolve(lan, FAR_DNS, "cdn.example.test") > 12);
            assertTrue(resolve(lan, FAR_DNS, "broken.example.test") > 12, "a malformed answer is forwarded as it was");
            awaitAvoided(rt, FILES_EU);
            long until = System.nanoTime() + S10.toNanos();
            while (!l.counters().containsKey("HOSTS_DNS_MALFORMED") && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(Set.of(DOWNLOAD, FILES_EU), avoided(rt), "only the download hosts (the CNAME chain's too)");
            assertEquals(1L, l.counters().get("HOSTS_DNS_MALFORMED"), l.counters().toString());
            assertEquals(2L, l.counters().get("HOSTS_LEARNED_DNS"), l.counters().toString());
            System.out.println("SharingHostsNetnsTest: a DNS answer's address was in avoid " + learnedMs
                    + " ms after the LAN host had the answer (polled every 5 ms plus an nft list)");

            byte[] line = "x".getBytes(StandardCharsets.US_ASCII);
            assertEquals("own", connect(lan, DOWNLOAD, 80, line), "a download host's new session stays home");
            assertEquals("own", connect(lan, FILES_EU, 80, line));
            assertEquals("sharer", connect(lan, WWW, 80, line), "the others move at a share of 1000");

            // no DNS: the ClientHello names the host; that session has its path, the next ones stay home
            assertEquals("sharer", connect(lan, SNI_ONLY, 443, Packets.clientHello("download.example.test")));
            awaitAvoided(rt, SNI_ONLY);
            assertEquals("own", connect(lan, SNI_ONLY, 80, line));
            assertEquals(1L, l.counters().get("HOSTS_LEARNED_TLS"), l.counters().toString());

            // what a start does first (also after a kill -9): the copies go, nothing else of ours stays
            new HostLearning(copies, List.of("hdal0"), new SessionPreference(), rules::avoid, Clock.systemUTC()).stop();
            assertFalse(rt.sh("nft", "list", "tables").contains(SharingHostRules.TABLE));
            l.stop();
            learning = null;
            assertEquals("sharer", connect(lan, WWW, 80, line), "forwarding goes on without the copies");
            rules.removeAll();
            assertTrue(log.stream().anyMatch(s -> s.contains("NFLOG group 31085")), log.toString());
        } finally {
            stop.set(true);
            if (learning != null) {
                learning.stop();
            }
            servers.forEach(NetnsProcess::close);
            for (int i = made.size() - 1; i >= 0; i--) {
                made.get(i).close();
            }
        }
    }

    @Test
    void theAvoidTransactionReplacesEachEntryInOneGo() {
        assertEquals("add element inet coopwan_share avoid { 198.18.7.7, 198.18.7.9 }\n"
                + "delete element inet coopwan_share avoid { 198.18.7.7, 198.18.7.9 }\n"
                + "add element inet coopwan_share avoid { 198.18.7.9 timeout 60s }\n",
                SharingBorrowerRules.renderAvoid(Map.of(Packets.address(DOWNLOAD), Duration.ZERO,
                        Packets.address(FILES_EU), Duration.ofSeconds(60))));
        String table = SharingHostRules.render(List.of("br-lan"), Set.of(443, 80), 31085);
        assertTrue(table.contains("\t\toifname @lans meta nfproto ipv4 udp sport 53 log group 31085 snaplen 4096"), table);
        assertTrue(table.contains("tcp dport @web ip length > 80 ip saddr . tcp sport . ip daddr != @looked"), table);
        assertEquals(2, table.split("tcp sport 53", -1).length - 1, "tcp DNS in output and forward");
    }
}
