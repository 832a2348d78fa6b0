package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import net.coopwan.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a manager sees it: net-snmp's own tools against a real agent on 127.0.0.1, started
 * by the front-end on a real daemon. One agent (v3 user + v2c community) serves all tests here.
 */
class SnmpAgentTest {

    static final String COMMUNITY = "ro-secret-42";

    static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
    static final String SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0";
    static final String SYS_CONTACT = "1.3.6.1.2.1.1.4.0";
    static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";
    static final String SYS_LOCATION = "1.3.6.1.2.1.1.6.0";
    static final String IF_NUMBER = "1.3.6.1.2.1.2.1.0";
    static final String IF_ENTRY = "1.3.6.1.2.1.2.2.1";
    static final String IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1";
    static final String SNMP_IN_PKTS = "1.3.6.1.2.1.11.1.0";

    static TestDaemon daemon;
    static SnmpFrontEnd frontEnd;
    static String startLine;
    static long startMillis;
    static long startCpuMillis;
    static int port;
    static NetSnmp snmp;

    @BeforeAll
    static void start(@TempDir Path netSnmpHome) throws Exception {
        NetSnmp.requireInstalled();
        port = TestDaemon.freeUdpPort();
        daemon = TestDaemon.start(TestConfigs.with(TestConfigs.snmp(port, COMMUNITY)));
        frontEnd = new SnmpFrontEnd();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        startLine = frontEnd.start(daemon.context());
        startMillis = (System.nanoTime() - t0) / 1_000_000;
        startCpuMillis = (mx.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        System.out.println("MEASURED: SnmpFrontEnd.start() took " + startMillis + " ms wall, " + startCpuMillis
                + " ms CPU of the starting thread (first agent in this JVM: class loading included)");
        snmp = new NetSnmp(netSnmpHome, port);
    }

    @AfterAll
    static void stop() {
        if (frontEnd != null) {
            frontEnd.stop();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void startLineSaysWhereAndHowAndStartIsFast() {
        assertEquals("SNMP agent on udp:127.0.0.1:" + port
                + " (SNMPv3 user coopwan authPriv SHA-256/AES-128; v2c read-only on)", startLine);
        assertFalse(startLine.contains(TestConfigs.AUTH_PASS) || startLine.contains(COMMUNITY));
        // The daemon must be ready well under 1 s. Wall time depends on what else runs on this
        // 2-core machine, so the bound is on the CPU the start needs (cold: class loading included).
        assertTrue(startCpuMillis < 800, "start() used " + startCpuMillis + " ms CPU (" + startMillis + " ms wall)");
    }

    @Test
    void v3AuthPrivReadsTheSystemGroup() throws IOException {
        NetSnmp.Result r = snmp.v3("snmpget", SYS_DESCR, SYS_OBJECT_ID, SYS_CONTACT, SYS_NAME, SYS_LOCATION);
        assertEquals(0, r.exit(), r.toString());
        String version = daemon.api().status().version();
        assertEquals("coopwan " + version + " on Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim(),
                r.var(SYS_DESCR).value());
        assertEquals(".1.3.6.1.4.1.8072.9999.9999.1.1", r.var(SYS_OBJECT_ID).value());
        assertEquals("noc@example.net", r.var(SYS_CONTACT).value());
        assertEquals("rack 3, cellar", r.var(SYS_LOCATION).value());
        // sysName is empty in the config: the host name.
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), r.var(SYS_NAME).value());
    }

    @Test
    void ifTableHasEveryKernelInterfaceWithItsIfindex() throws Exception {
        Map<String, String> kernel = new HashMap<>(); // ifindex -> name
        NetSnmp.Result r = walkWhileInterfacesStayPut("1.3.6.1.2.1.2", IF_ENTRY + ".2", kernel);
        Map<String, NetSnmp.Var> ifIndex = r.column(IF_ENTRY + ".1");
        Map<String, NetSnmp.Var> ifDescr = r.column(IF_ENTRY + ".2");
        Map<String, String> served = new TreeMap<>();
        ifDescr.forEach((idx, v) -> served.put(idx, v.value()));
        assertEquals(new TreeMap<>(kernel), served, "ifDescr by ifIndex vs /sys/class/net");
        ifIndex.forEach((idx, v) -> assertEquals(idx, v.value(), "ifIndex column equals the row index"));
        assertEquals(String.valueOf(kernel.size()), r.var(IF_NUMBER).value());

        String lo = Files.readString(Path.of("/sys/class/net/lo/ifindex")).trim();
        assertEquals("lo", ifDescr.get(lo).value());
        assertEquals("24", r.var(IF_ENTRY + ".3." + lo).value(), "lo is softwareLoopback(24)");
        assertEquals(Files.readString(Path.of("/sys/class/net/lo/mtu")).trim(), r.var(IF_ENTRY + ".4." + lo).value());
        assertEquals("1", r.var(IF_ENTRY + ".7." + lo).value(), "lo admin up");
        assertEquals("1", r.var(IF_ENTRY + ".8." + lo).value(), "lo oper up");
        assertEquals("Counter32", r.var(IF_ENTRY + ".10." + lo).type());
        assertEquals("Gauge32", r.var(IF_ENTRY + ".5." + lo).type());

        // Physical addresses as the kernel shows them.
        kernel.forEach((idx, name) -> {
            String mac = read("/sys/class/net/" + name + "/address").toUpperCase(Locale.ROOT).replace(':', ' ');
            String served6 = r.column(IF_ENTRY + ".6").get(idx).value();
            if (!mac.isEmpty() && !"00 00 00 00 00 00".equals(mac)) {
                assertEquals(mac, served6, "ifPhysAddress of " + name);
            }
        });
    }

    @Test
    void ifXTableNamesAndHighCapacityCounters() throws Exception {
        Map<String, String> kernel = new HashMap<>();
        NetSnmp.Result r = walkWhileInterfacesStayPut(IFX_ENTRY, IFX_ENTRY + ".1", kernel);
        Map<String, String> names = new TreeMap<>();
        r.column(IFX_ENTRY + ".1").forEach((idx, v) -> names.put(idx, v.value()));
        assertEquals(new TreeMap<>(kernel), names, "ifName by ifIndex vs /sys/class/net");

        String lo = read("/sys/class/net/lo/ifindex");
        NetSnmp.Var hcIn = r.var(IFX_ENTRY + ".6." + lo);
        assertEquals("Counter64", hcIn.type());
        long kernelNow = Long.parseLong(read("/sys/class/net/lo/statistics/rx_bytes"));
        assertTrue(Long.parseLong(hcIn.value()) > 0, "lo has received bytes (our own SNMP traffic)");
        assertTrue(Long.parseLong(hcIn.value()) <= kernelNow, "counter is not ahead of the kernel");
        assertEquals("Counter64", r.var(IFX_ENTRY + ".10." + lo).type());
        assertEquals("Counter64", r.var(IFX_ENTRY + ".7." + lo).type());
        assertEquals("Counter64", r.var(IFX_ENTRY + ".11." + lo).type());
        assertEquals("Gauge32", r.var(IFX_ENTRY + ".15." + lo).type());
        assertEquals("", r.var(IFX_ENTRY + ".18." + lo).value(), "ifAlias empty");
        assertEquals("2", r.var(IFX_ENTRY + ".17." + lo).value(), "lo has no connector");
    }

    @Test
    void getNextStepsIntoTheTable() throws IOException {
        NetSnmp.Result r = snmp.v3("snmpgetnext", IF_ENTRY + ".2");
        assertEquals(0, r.exit(), r.toString());
        String firstIndex = new TreeMap<>(kernelInterfaces()).keySet().stream()
                .min((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElseThrow();
        assertEquals(kernelInterfaces().get(firstIndex), r.var(IF_ENTRY + ".2." + firstIndex).value());
    }

    @Test
    void v2cCommunityReadsButCannotWrite() throws IOException {
        NetSnmp.Result get = snmp.v2c("snmpget", COMMUNITY, SYS_LOCATION);
        assertEquals(0, get.exit(), get.toString());
        assertEquals("rack 3, cellar", get.var(SYS_LOCATION).value());

        NetSnmp.Result set = snmp.v2c("snmpset", COMMUNITY, SYS_LOCATION, "s", "hacked");
        assertNotEquals(0, set.exit(), set.toString());
        assertTrue(set.all().matches("(?s).*(noAccess|notWritable|authorizationError).*"), set.toString());
        assertEquals("rack 3, cellar", snmp.v2c("snmpget", COMMUNITY, SYS_LOCATION).var(SYS_LOCATION).value());

        NetSnmp.Result v1 = snmp.v1("snmpget", COMMUNITY, SYS_LOCATION);
        assertEquals(0, v1.exit(), "v1 has the same read-only rights: " + v1);
    }

    @Test
    void v2cDoesNotSeeTheSecurityConfiguration() throws IOException {
        NetSnmp.Result v2c = snmp.v2c("snmpwalk", COMMUNITY, "1.3.6.1.6.3");
        assertEquals(0, v2c.exit(), v2c.toString());
        assertFalse(v2c.out().contains(COMMUNITY), "community table hidden from v2c: " + v2c.out());
        assertFalse(v2c.out().contains("\"coopwan\""), "USM user name hidden from v2c");
        assertTrue(v2c.out().contains(".1.3.6.1.6.3.10.2.1.2.0"), "the rest of the framework MIB is readable");
        // The same walk as the v3 admin does show it: the view, not a missing table, hides it.
        assertTrue(snmp.v3("snmpwalk", "1.3.6.1.6.3.18").out().contains(COMMUNITY));
    }

    @Test
    void wrongCommunityGetsNoAnswerAndThereIsNoPublic() throws IOException {
        for (String community : new String[] {"wrong", "public"}) {
            NetSnmp.Result r = snmp.v2c("snmpget", community, SYS_DESCR);
            assertNotEquals(0, r.exit(), r.toString());
            assertTrue(r.all().contains("Timeout"), r.toString());
        }
        assertEquals(0, snmp.v2c("snmpget", COMMUNITY, SYS_DESCR).exit(), "still answering");
    }

    @Test
    void wrongV3PassphraseIsAnAuthenticationFailure() throws IOException {
        NetSnmp.Result r = snmp.v3With("snmpget", TestConfigs.USER, "SHA-256", "not-the-pass", "AES",
                TestConfigs.PRIV_PASS, SYS_DESCR);
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.all().contains("Authentication failure"), r.toString());
        assertFalse(r.out().contains("coopwan"), r.toString());

        NetSnmp.Result unknownUser = snmp.v3With("snmpget", "mallory", "SHA-256", TestConfigs.AUTH_PASS, "AES",
                TestConfigs.PRIV_PASS, SYS_DESCR);
        assertNotEquals(0, unknownUser.exit(), unknownUser.toString());
        assertTrue(unknownUser.all().contains("Unknown user name"), unknownUser.toString());

        NetSnmp.Result otherAuth = snmp.v3With("snmpget", TestConfigs.USER, "SHA-512", TestConfigs.AUTH_PASS, "AES",
                TestConfigs.PRIV_PASS, SYS_DESCR);
        assertNotEquals(0, otherAuth.exit(), "a protocol other than the configured one is refused: " + otherAuth);
        assertTrue(otherAuth.all().contains("Authentication failure"), otherAuth.toString());
    }

    @Test
    void lowerSecurityLevelsAreRefused() throws IOException {
        for (String level : new String[] {"noAuthNoPriv", "authNoPriv"}) {
            NetSnmp.Result r = snmp.v3Level("snmpget", level, SYS_DESCR);
            assertNotEquals(0, r.exit(), level + ": " + r);
            assertTrue(r.all().contains("authorizationError"), level + ": " + r);
            assertFalse(r.out().contains("coopwan"), level + " must not read anything: " + r);
        }
    }

    @Test
    void unknownObjectsAndInstancesAreReportedAndTheAgentGoesOn() throws IOException {
        NetSnmp.Result r = snmp.v3("snmpget", "1.3.6.1.2.1.1.99.0", IF_ENTRY + ".2.2147483647");
        assertTrue(r.out().contains("No Such Object"), r.toString());
        assertTrue(r.out().contains("No Such Instance"), r.toString());
        NetSnmp.Result after = snmp.v3("snmpget", SYS_DESCR);
        assertEquals(0, after.exit(), after.toString());
    }

    @Test
    void setOfReadOnlyObjectsIsNotWritableAndChangesNothing() throws IOException {
        String before = snmp.v3("snmpget", SYS_NAME).var(SYS_NAME).value();
        NetSnmp.Result r = snmp.v3("snmpset", SYS_NAME, "s", "hacked");
        assertNotEquals(0, r.exit(), r.toString());
        // Outside the write view (only COOPWAN-MIB is in it): noAccess before the object is asked.
        assertTrue(r.all().contains("noAccess"), r.toString());
        assertEquals(before, snmp.v3("snmpget", SYS_NAME).var(SYS_NAME).value());

        String lo = read("/sys/class/net/lo/ifindex");
        NetSnmp.Result alias = snmp.v3("snmpset", IFX_ENTRY + ".18." + lo, "s", "uplink");
        assertTrue(alias.all().contains("noAccess"), alias.toString());
        NetSnmp.Result newRow = snmp.v3("snmpset", IF_ENTRY + ".2.99999", "s", "fake0");
        assertNotEquals(0, newRow.exit(), newRow.toString());
        assertTrue(newRow.all().matches("(?s).*(noAccess|notWritable|noCreation).*"), newRow.toString());
    }

    @Test
    void securityConfigurationIsNotWritableOverSnmp() throws IOException {
        // vacmViewSpinLock is read-write in SNMP-VIEW-BASED-ACM-MIB, but the write view excludes 1.3.6.1.6.3.
        NetSnmp.Result r = snmp.v3("snmpset", "1.3.6.1.6.3.16.1.5.1.0", "i", "0");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.all().contains("noAccess"), r.toString());
    }

    @Test
    void garbageDatagramsDoNotHurtTheAgent() throws Exception {
        long packetsBefore = Long.parseLong(snmp.v3("snmpget", SNMP_IN_PKTS).var(SNMP_IN_PKTS).value());
        Random random = new Random(20240601);
        byte[][] crafted = {
                {},
                {0x30},
                {0x30, (byte) 0x84, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                {0x30, (byte) 0x82, 0x7f, (byte) 0xff, 0x02, 0x01, 0x01},
                {0x30, 0x06, 0x02, 0x01, 0x03, 0x30, 0x01, 0x00},
                // v2c header with the right community and a truncated GetRequest PDU
                concat(new byte[] {0x30, 0x20, 0x02, 0x01, 0x01, 0x04, 0x0c}, COMMUNITY.getBytes(),
                        new byte[] {(byte) 0xa0, 0x7f, 0x02, 0x04}),
        };
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetAddress agent = InetAddress.getLoopbackAddress();
            for (byte[] c : crafted) {
                s.send(new DatagramPacket(c, c.length, agent, port));
            }
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[random.nextInt(600) + 1];
                random.nextBytes(junk);
                if (i % 2 == 0) {
                    junk[0] = 0x30; // looks like a SEQUENCE: gets into the BER decoder
                }
                s.send(new DatagramPacket(junk, junk.length, agent, port));
                if (i % 10 == 9) {
                    Thread.sleep(5); // let the agent drain its socket: we test the decoder, not the kernel buffer
                }
            }
        }
        NetSnmp.Result after = snmp.v3("snmpget", SYS_DESCR, SNMP_IN_PKTS);
        assertEquals(0, after.exit(), after.toString());
        assertTrue(after.var(SYS_DESCR).value().startsWith("coopwan "));
        long packetsAfter = Long.parseLong(after.var(SNMP_IN_PKTS).value());
        // 206 sent; a busy test machine may drop a few in the kernel before the agent reads them.
        assertTrue(packetsAfter - packetsBefore >= 150,
                "the junk reached the agent: snmpInPkts " + packetsBefore + " -> " + packetsAfter);
        assertEquals(0, snmp.v2c("snmpget", COMMUNITY, SYS_DESCR).exit(), "v2c still answers");
    }

    @Test
    void fullWalkOverV3() throws IOException {
        NetSnmp.Result r = snmp.v3("snmpwalk", "1.3.6.1");
        System.out.println("MEASURED: snmpwalk -v3 authPriv of 1.3.6.1: " + r.vars().size() + " varbinds in "
                + r.millis() + " ms (process start included)");
        assertEquals(0, r.exit(), r.toString());
        Map<String, NetSnmp.Var> vars = r.vars();
        assertTrue(vars.containsKey("." + SYS_DESCR));
        assertTrue(vars.containsKey("." + IF_NUMBER));
        assertTrue(vars.keySet().stream().anyMatch(o -> o.startsWith("." + IFX_ENTRY + ".1.")));
        assertTrue(vars.containsKey(".1.3.6.1.6.3.10.2.1.2.0"), "snmpEngineBoots");
        assertFalse(r.err().contains("OID not increasing"), r.err());
        assertTrue(r.millis() < 10_000, "walk took " + r.millis() + " ms");
    }

    /**
     * Walks SUBTREE and fills KERNEL with /sys/class/net as it was during the walk. Other tests on this
     * machine may add or remove interfaces (TUN bonds) and the agent may serve a snapshot up to 1 s
     * old, so a walk that straddled a change, or whose name column (COLUMN) disagrees with the kernel,
     * is repeated a few times; the caller's assertions judge the last one.
     */
    static NetSnmp.Result walkWhileInterfacesStayPut(String subtree, String column, Map<String, String> kernel)
            throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Map<String, String> before = kernelInterfaces();
            NetSnmp.Result r = snmp.v3("snmpwalk", subtree);
            assertEquals(0, r.exit(), r.toString());
            Map<String, String> after = kernelInterfaces();
            Map<String, String> served = new HashMap<>();
            r.column(column).forEach((idx, v) -> served.put(idx, v.value()));
            if ((before.equals(after) && after.equals(served)) || attempt == 3) {
                kernel.putAll(after);
                return r;
            }
            Thread.sleep(1100);
        }
    }

    static Map<String, String> kernelInterfaces() {
        try (Stream<Path> dirs = Files.list(Path.of("/sys/class/net"))) {
            Map<String, String> m = new HashMap<>();
            for (Path p : dirs.collect(Collectors.toList())) {
                String ifindex = read(p.resolve("ifindex").toString());
                if (!ifindex.isEmpty()) { // bonding_masters and the like are files, not interfaces
                    m.put(ifindex, p.getFileName().toString());
                }
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
