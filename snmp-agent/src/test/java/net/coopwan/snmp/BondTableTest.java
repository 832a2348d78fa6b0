package net.coopwan.snmp;

import static net.coopwan.daemon.testing.TestInterfaces.exists;
import static net.coopwan.daemon.testing.TestInterfaces.sys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.daemon.testing.TestInterfaces;
import net.coopwan.snmp.mib.CoopwanMib;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * COOPWAN-MIB's uplink, bond and bond member tables through net-snmp's tools (SNMPv3 authPriv, and
 * v2c read-only), against a real daemon with a real UCI file and real TUN interfaces. No packet is
 * sent anywhere; every interface a test makes is removed after it, passed or failed.
 */
class BondTableTest {

    static final String COMMUNITY = "ro-bonds-17";
    /** Short, so the createAndWait timeout can be seen; the service uses 5 minutes. */
    static final Duration PENDING_TIMEOUT = Duration.ofSeconds(3);

    static final String MIB = CoopwanMib.COOPWAN_MIB.toDottedString();
    static final String UPLINK_ENTRY = CoopwanMib.UPLINK_ENTRY.toDottedString();
    static final String NEXT_INDEX = CoopwanMib.BOND_NEXT_INDEX.toDottedString() + ".0";
    static final String BOND_NAME = CoopwanMib.BOND_NAME.toDottedString();
    static final String BOND_MODE = CoopwanMib.BOND_MODE.toDottedString();
    static final String BOND_MTU = CoopwanMib.BOND_MTU.toDottedString();
    static final String BOND_IF_INDEX = CoopwanMib.BOND_IF_INDEX.toDottedString();
    static final String BOND_ROW_STATUS = CoopwanMib.BOND_ROW_STATUS.toDottedString();
    static final String MEMBER_NAME = CoopwanMib.BOND_MEMBER_UPLINK_NAME.toDottedString();
    static final String MEMBER_ROW_STATUS = CoopwanMib.BOND_MEMBER_ROW_STATUS.toDottedString();
    static final String IF_DESCR = "1.3.6.1.2.1.2.2.1.2";

    static Path dir;
    static Path cfg;
    static TestDaemon daemon;
    static SnmpAgent agent;
    static NetSnmp snmp;
    static int port;
    static String wan;
    static String lte;

    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        NetSnmp.requireInstalled();
        dir = tmp;
        port = TestDaemon.freeUdpPort();
        cfg = dir.resolve("coopwan");
        Files.writeString(cfg, "config global 'global'\n\toption control_socket ''\n\n"
                + "config uplink 'wan'\n\toption device 'lo'\n\toption down_kbps '50000'\n\toption up_kbps '10000'\n\n"
                + "config uplink 'lte'\n\toption device 'cwtnone1'\n\n"
                + "config snmp 'snmp'\n\toption listen '127.0.0.1'\n\toption port '" + port + "'\n"
                + "\toption v3_user '" + TestConfigs.USER + "'\n"
                + "\toption v3_auth_pass '" + TestConfigs.AUTH_PASS + "'\n"
                + "\toption v3_priv_pass '" + TestConfigs.PRIV_PASS + "'\n"
                + "\toption v2c_community '" + COMMUNITY + "'\n");
        daemon = TestDaemon.start(ConfigHolder.fromFile(cfg));
        agent = SnmpAgent.start(daemon.context(), PENDING_TIMEOUT);
        snmp = new NetSnmp(dir, port);
        NetSnmp.Result r = snmp.v3("snmpwalk", UPLINK_ENTRY + ".2");
        for (Map.Entry<String, NetSnmp.Var> e : r.column(UPLINK_ENTRY + ".2").entrySet()) {
            if (e.getValue().value().equals("wan")) {
                wan = e.getKey();
            } else if (e.getValue().value().equals("lte")) {
                lte = e.getKey();
            }
        }
        assertTrue(wan != null && lte != null, r.toString());
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    /**
     * Bonds a test made through the ControlApi (or left after a failure) go the same way; then the
     * agent's snapshot (at most 0.5 s old, see BondMib) is let expire so the next test starts clean.
     */
    @AfterEach
    void noBondLeft() throws InterruptedException {
        for (BondStatus b : daemon.api().bonds()) {
            daemon.api().destroyBond(b.name());
        }
        Thread.sleep(600);
    }

    // ---- helpers ----

    static NetSnmp.Result set(String... args) {
        return snmp.v3("snmpset", args);
    }

    static void ok(NetSnmp.Result r) {
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.all().contains("Error"), r.toString());
    }

    static void refused(NetSnmp.Result r, String error) {
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.all().contains("Reason: " + error), "expected " + error + ": " + r);
    }

    static int nextIndex() {
        return Integer.parseInt(snmp.v3("snmpget", NEXT_INDEX).var(NEXT_INDEX).value());
    }

    static String get(String oid) {
        return snmp.v3("snmpget", oid).var(oid).value();
    }

    /** ifDescr.IFINDEX as the agent serves it, waiting out IF-MIB's 1 s snapshot. */
    static String ifDescr(int ifIndex) throws InterruptedException {
        String oid = IF_DESCR + "." + ifIndex;
        String last = "";
        for (int i = 0; i < 15; i++) {
            last = get(oid);
            if (!last.startsWith("No Such")) {
                return last;
            }
            Thread.sleep(200);
        }
        return last;
    }

    static boolean ifTableHas(int ifIndex) throws InterruptedException {
        for (int i = 0; i < 15; i++) {
            if (!get(IF_DESCR + "." + ifIndex).startsWith("No Such")) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    static boolean ifTableLacks(int ifIndex) throws InterruptedException {
        for (int i = 0; i < 15; i++) {
            if (get(IF_DESCR + "." + ifIndex).startsWith("No Such")) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    static String ipLink(String name) throws Exception {
        Process p = new ProcessBuilder("ip", "-o", "link", "show", name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return p.exitValue() == 0 ? out : "";
    }

    // ---- tests ----

    @Test
    void walkShowsUplinksWithStableIndexesAndBondNextIndex() throws Exception {
        NetSnmp.Result r = snmp.v3("snmpwalk", MIB);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("lo", r.var(UPLINK_ENTRY + ".3." + wan).value());
        assertEquals(sys("lo", "ifindex"), r.var(UPLINK_ENTRY + ".4." + wan).value());
        assertEquals("1", r.var(UPLINK_ENTRY + ".5." + wan).value(), "wan on lo is up");
        assertEquals("50000", r.var(UPLINK_ENTRY + ".6." + wan).value(), "configured down_kbps");
        assertEquals("Gauge32", r.var(UPLINK_ENTRY + ".8." + wan).type());
        assertEquals("0", r.var(UPLINK_ENTRY + ".8." + wan).value(), "no RTT measured yet");
        assertEquals("Counter64", r.var(UPLINK_ENTRY + ".12." + wan).type());
        assertTrue(Long.parseLong(r.var(UPLINK_ENTRY + ".12." + wan).value()) > 0, "lo's kernel rx bytes");
        assertEquals("cwtnone1", r.var(UPLINK_ENTRY + ".3." + lte).value());
        assertEquals("0", r.var(UPLINK_ENTRY + ".4." + lte).value());
        assertEquals("3", r.var(UPLINK_ENTRY + ".5." + lte).value(), "lte missing");
        assertEquals("1", r.var(NEXT_INDEX).value());
        String stored = Files.readString(SnmpAgent.engineStateDir(daemon.stateDir()).resolve("indexes.properties"));
        assertTrue(stored.contains("uplink.wan=" + wan) && stored.contains("uplink.lte=" + lte), stored);
        // v2c sees the same objects.
        NetSnmp.Result v2c = snmp.v2c("snmpget", COMMUNITY, UPLINK_ENTRY + ".2." + wan, NEXT_INDEX);
        assertEquals("wan", v2c.var(UPLINK_ENTRY + ".2." + wan).value(), v2c.toString());
    }

    @Test
    void createAndGoWithTwoMembersIsARealInterfaceInIfTableAndTheFileUntilDestroyed() throws Exception {
        String name = ifs.name();
        int i = nextIndex();
        ok(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", name,
                BOND_MODE + "." + i, "i", "1", BOND_MTU + "." + i, "i", "1280"));
        ok(set(MEMBER_ROW_STATUS + "." + i + "." + wan, "i", "4", MEMBER_ROW_STATUS + "." + i + "." + lte, "i", "4"));

        assertTrue(ipLink(name).contains("mtu 1280"), ipLink(name));
        NetSnmp.Result row = snmp.v3("snmpget", BOND_NAME + "." + i, BOND_MODE + "." + i, BOND_MTU + "." + i,
                BOND_IF_INDEX + "." + i, BOND_ROW_STATUS + "." + i);
        assertEquals(name, row.var(BOND_NAME + "." + i).value());
        assertEquals("1", row.var(BOND_MODE + "." + i).value());
        assertEquals("1280", row.var(BOND_MTU + "." + i).value());
        assertEquals("1", row.var(BOND_ROW_STATUS + "." + i).value());
        int ifIndex = Integer.parseInt(row.var(BOND_IF_INDEX + "." + i).value());
        assertEquals(sys(name, "ifindex"), String.valueOf(ifIndex));
        assertEquals(name, ifDescr(ifIndex), "IF-MIB ifTable row ifIndex = bondIfIndex");

        NetSnmp.Result members = snmp.v3("snmpwalk", CoopwanMib.BOND_MEMBER_ENTRY.toDottedString());
        assertEquals("wan", members.var(MEMBER_NAME + "." + i + "." + wan).value());
        assertEquals("lte", members.var(MEMBER_NAME + "." + i + "." + lte).value());
        assertEquals("1", members.var(MEMBER_ROW_STATUS + "." + i + "." + lte).value());
        String file = Files.readString(cfg);
        assertTrue(file.contains("config bond '" + name + "'") && file.contains("list member 'lte'")
                && file.contains("option mtu '1280'") && file.contains("option mode 'wrr'"), file);
        assertNotEquals(String.valueOf(i), get(NEXT_INDEX), "bondNextIndex moved on");

        // A member row destroyed alone.
        ok(set(MEMBER_ROW_STATUS + "." + i + "." + lte, "i", "6"));
        assertEquals(List.of("wan"), daemon.api().bonds().get(0).members());
        // MTU change on the active bond applies at once.
        ok(set(BOND_MTU + "." + i, "i", "1500"));
        assertEquals("1500", sys(name, "mtu"));

        ok(set(BOND_ROW_STATUS + "." + i, "i", "6"));
        assertFalse(exists(name), "gone from ip link");
        assertTrue(ifTableLacks(ifIndex), "gone from ifTable");
        assertFalse(Files.readString(cfg).contains(name), "gone from the file");
        assertTrue(get(BOND_ROW_STATUS + "." + i).startsWith("No Such Instance"));
        assertTrue(snmp.v3("snmpwalk", CoopwanMib.BOND_ENTRY.toDottedString()).column(BOND_NAME).isEmpty());
        assertTrue(snmp.v3("snmpwalk", CoopwanMib.BOND_MEMBER_ENTRY.toDottedString()).column(MEMBER_NAME).isEmpty());
        ok(set(BOND_ROW_STATUS + "." + i, "i", "6")); // destroying a row that is not there is no error
    }

    @Test
    void createAndWaitIsHeldUntilActiveAndNotInServiceRemovesOnlyTheInterface() throws Exception {
        String name = ifs.name();
        int i = nextIndex();
        byte[] before = Files.readAllBytes(cfg);
        ok(set(BOND_ROW_STATUS + "." + i, "i", "5"));
        assertEquals("3", get(BOND_ROW_STATUS + "." + i), "notReady without a name");
        refused(set(BOND_ROW_STATUS + "." + i, "i", "1"), "inconsistentValue");
        ok(set(BOND_NAME + "." + i, "s", name, BOND_MTU + "." + i, "i", "1300"));
        ok(set(MEMBER_ROW_STATUS + "." + i + "." + wan, "i", "4"));
        assertEquals("2", get(BOND_ROW_STATUS + "." + i), "notInService once named");
        assertEquals("0", get(BOND_IF_INDEX + "." + i));
        assertFalse(exists(name), "no interface before active");
        assertArrayEquals(before, Files.readAllBytes(cfg), "not in the file before active");

        ok(set(BOND_ROW_STATUS + "." + i, "i", "1"));
        assertTrue(exists(name));
        assertEquals("1300", sys(name, "mtu"));
        assertEquals(sys(name, "ifindex"), get(BOND_IF_INDEX + "." + i));
        assertEquals(List.of("wan"), daemon.api().bonds().get(0).members(), "member row made before active came along");
        assertTrue(Files.readString(cfg).contains("config bond '" + name + "'"));

        ok(set(BOND_ROW_STATUS + "." + i, "i", "2"));
        assertFalse(exists(name), "notInService removes the interface");
        assertEquals("0", get(BOND_IF_INDEX + "." + i));
        assertEquals("2", get(BOND_ROW_STATUS + "." + i));
        assertTrue(Files.readString(cfg).contains("config bond '" + name + "'"), "and keeps the section");
        // Renaming: only while not active; the row keeps its index and members.
        String renamed = ifs.name();
        ok(set(BOND_NAME + "." + i, "s", renamed));
        assertEquals(renamed, get(BOND_NAME + "." + i));
        assertEquals("2", get(BOND_ROW_STATUS + "." + i));
        assertFalse(exists(renamed) || exists(name));
        String file = Files.readString(cfg);
        assertTrue(file.contains("config bond '" + renamed + "'") && !file.contains(name), file);
        ok(set(BOND_ROW_STATUS + "." + i, "i", "1"));
        assertTrue(exists(renamed));
        assertEquals(List.of("wan"), daemon.api().bonds().get(0).members());
        refused(set(BOND_NAME + "." + i, "s", name), "inconsistentValue"); // active: notInService first
        ok(set(BOND_ROW_STATUS + "." + i, "i", "6"));
        assertFalse(exists(renamed));
        assertArrayEquals(before, Files.readAllBytes(cfg));
    }

    @Test
    void memberRowsCanWaitAndBeTakenOutOfService() throws Exception {
        String name = ifs.name();
        int i = nextIndex();
        String row = MEMBER_ROW_STATUS + "." + i + "." + lte;
        ok(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", name,
                MEMBER_ROW_STATUS + "." + i + "." + wan, "i", "4"));
        assertEquals(List.of("wan"), daemon.api().bonds().get(0).members(), "created with its member in one request");
        ok(set(row, "i", "5"));
        assertEquals("2", get(row), "createAndWait: notInService");
        assertFalse(Files.readString(cfg).contains("list member 'lte'"), "a notInService member is not stored");
        refused(set(row, "i", "4"), "inconsistentValue"); // exists already
        ok(set(row, "i", "1"));
        assertEquals("1", get(row));
        assertTrue(Files.readString(cfg).contains("list member 'lte'"));
        ok(set(row, "i", "2"));
        assertEquals("2", get(row), "the row stays");
        assertEquals(List.of("wan"), daemon.api().bonds().get(0).members());
        ok(set(row, "i", "6"));
        assertTrue(get(row).startsWith("No Such Instance"));
        // Destroying the bond destroys its member rows.
        ok(set(BOND_ROW_STATUS + "." + i, "i", "6"));
        assertTrue(get(MEMBER_ROW_STATUS + "." + i + "." + wan).startsWith("No Such Instance"));
        assertFalse(exists(name));
    }

    @Test
    void aCreateAndWaitRowNeverMadeActiveIsDiscarded() throws Exception {
        int i = nextIndex();
        ok(set(BOND_ROW_STATUS + "." + i, "i", "5", BOND_NAME + "." + i, "s", "cwtpending"));
        assertEquals("2", get(BOND_ROW_STATUS + "." + i));
        assertNotEquals(String.valueOf(i), get(NEXT_INDEX), "the pending row holds its index");
        Thread.sleep(PENDING_TIMEOUT.toMillis() + 600);
        assertTrue(get(BOND_ROW_STATUS + "." + i).startsWith("No Such Instance"));
        assertEquals(String.valueOf(i), get(NEXT_INDEX));
    }

    @Test
    void badSetsGiveTheRightErrorAndChangeNothing() throws Exception {
        byte[] before = Files.readAllBytes(cfg);
        String name = ifs.name();
        int i = nextIndex();
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", name, BOND_MTU + "." + i, "i",
                "9001"), "wrongValue");
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", "bad-name"), "wrongValue");
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4"), "inconsistentValue"); // no bondName
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", "lo"), "inconsistentValue");
        refused(set(BOND_ROW_STATUS + "." + i, "i", "3"), "wrongValue"); // notReady is not a value to set
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", name, BOND_MODE + "." + i, "i",
                "7"), "wrongValue");
        refused(set(BOND_MTU + "." + i, "i", "1400"), "inconsistentName"); // no such row, no RowStatus
        refused(set(BOND_ROW_STATUS + ".0", "i", "4", BOND_NAME + ".0", "s", name), "noCreation");
        refused(set(BOND_IF_INDEX + "." + i, "i", "5"), "notWritable");
        refused(set(MEMBER_ROW_STATUS + "." + i + "." + wan, "i", "4"), "inconsistentValue"); // no such bond
        refused(set(MEMBER_ROW_STATUS + "." + i + ".0", "i", "4"), "noCreation");
        assertFalse(exists(name));
        assertArrayEquals(before, Files.readAllBytes(cfg));

        // On an existing bond: unknown uplink, bad MTU, read-only column, v2c.
        ok(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", name));
        byte[] withBond = Files.readAllBytes(cfg);
        refused(set(MEMBER_ROW_STATUS + "." + i + ".999", "i", "4"), "inconsistentValue");
        refused(set(BOND_MTU + "." + i, "i", "9001"), "wrongValue");
        refused(set(BOND_IF_INDEX + "." + i, "i", "5"), "notWritable");
        refused(set(MEMBER_NAME + "." + i + "." + wan, "s", "wan"), "notWritable");
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", name), "inconsistentValue");
        NetSnmp.Result v2c = snmp.v2c("snmpset", COMMUNITY, BOND_ROW_STATUS + "." + i, "i", "6");
        assertNotEquals(0, v2c.exit(), v2c.toString());
        assertTrue(v2c.all().matches("(?s).*(noAccess|authorizationError).*"), v2c.toString());
        assertTrue(exists(name), "v2c destroyed nothing");
        assertEquals("1400", sys(name, "mtu"));
        assertArrayEquals(withBond, Files.readAllBytes(cfg));
    }

    @Test
    void aNameTakenByAKernelInterfaceIsRefusedAtPrepareEvenForACreateAndWaitRow() throws Exception {
        String taken = ifs.name();
        // A TUN made with ip(8), not by coopwan (this kernel has no dummy driver); removed by this test.
        ip("tuntap", "add", "dev", taken, "mode", "tun");
        try {
            assertTrue(exists(taken));
            byte[] before = Files.readAllBytes(cfg);
            int i = nextIndex();
            // A createAndWait row makes nothing in the daemon, so only a dry run can see the clash here.
            refused(set(BOND_ROW_STATUS + "." + i, "i", "5", BOND_NAME + "." + i, "s", taken), "inconsistentValue");
            assertTrue(get(BOND_ROW_STATUS + "." + i).startsWith("No Such Instance"), "no pending row");
            assertEquals(String.valueOf(i), get(NEXT_INDEX));
            refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", taken), "inconsistentValue");
            // A pending row renamed to it is refused too, and keeps its name.
            String free = ifs.name();
            ok(set(BOND_ROW_STATUS + "." + i, "i", "5", BOND_NAME + "." + i, "s", free));
            refused(set(BOND_NAME + "." + i, "s", taken), "inconsistentValue");
            assertEquals(free, get(BOND_NAME + "." + i));
            ok(set(BOND_ROW_STATUS + "." + i, "i", "6"));
            assertArrayEquals(before, Files.readAllBytes(cfg));
            assertTrue(daemon.api().bonds().isEmpty());
            assertTrue(exists(taken), "the interface is left as it was");
        } finally {
            ip("link", "del", taken);
        }
    }

    static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(done && p.exitValue() == 0, cmd + ": " + out);
    }

    @Test
    void aRequestWithOneBadVarbindChangesNothing() throws Exception {
        byte[] before = Files.readAllBytes(cfg);
        String a = ifs.name();
        int i = nextIndex();
        // Refused at prepare: a good bond, then a member naming an unknown uplink.
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", a,
                MEMBER_ROW_STATUS + "." + i + ".999", "i", "4"), "inconsistentValue");
        // Refused at prepare: a good bond, then a write to a read-only column.
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", a,
                BOND_IF_INDEX + "." + i, "i", "3"), "notWritable");
        assertFalse(exists(a));
        assertArrayEquals(before, Files.readAllBytes(cfg));
        // Refused at commit by the daemon (two rows, one name): the first bond was made, then undone.
        refused(set(BOND_ROW_STATUS + "." + i, "i", "4", BOND_NAME + "." + i, "s", a,
                BOND_ROW_STATUS + "." + (i + 1), "i", "4", BOND_NAME + "." + (i + 1), "s", a), "inconsistentValue");
        assertFalse(exists(a), "the first bond of the request was undone");
        assertArrayEquals(before, Files.readAllBytes(cfg));
        assertTrue(daemon.api().bonds().isEmpty());
        assertTrue(get(BOND_ROW_STATUS + "." + i).startsWith("No Such Instance"));
    }

    @Test
    void indexesSurviveAnAgentRestartAndBondsMadeElsewhereGetTheLowestFreeOne() throws Exception {
        String a = ifs.name();
        String b = ifs.name();
        ok(set(BOND_ROW_STATUS + ".7", "i", "4", BOND_NAME + ".7", "s", a));
        daemon.api().createBond(BondRequest.of(b, "wan")); // as REST or 'coopwan ctl' would
        Thread.sleep(600); // let the agent's 0.5 s snapshot expire
        NetSnmp.Result r = snmp.v3("snmpwalk", BOND_NAME);
        assertEquals(a, r.var(BOND_NAME + ".7").value());
        assertEquals(b, r.var(BOND_NAME + ".1").value(), r.toString());
        assertEquals("wan", get(MEMBER_NAME + ".1." + wan), "b's member row");

        agent.close();
        agent = SnmpAgent.start(daemon.context(), PENDING_TIMEOUT);
        NetSnmp.Result after = snmp.v3("snmpwalk", BOND_NAME);
        assertEquals(a, after.var(BOND_NAME + ".7").value(), after.toString());
        assertEquals(b, after.var(BOND_NAME + ".1").value());
        assertEquals("2", get(NEXT_INDEX));
    }

    @Test
    void fullWalkWithSomeBonds() throws Exception {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            String n = ifs.name();
            names.add(n);
            daemon.api().createBond(BondRequest.of(n, "wan", "lte"));
        }
        Thread.sleep(600); // made behind the agent's back: let its 0.5 s snapshot expire
        NetSnmp.Result r = snmp.v3("snmpwalk", "1.3.6.1");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.err().contains("OID not increasing"), r.err());
        System.out.println("MEASURED: snmpwalk -v3 authPriv of 1.3.6.1 with " + names.size() + " bonds: "
                + r.vars().size() + " varbinds in " + r.millis() + " ms (process start included)");
        for (String n : names) {
            assertTrue(r.out().contains("\"" + n + "\""), n);
        }
        assertEquals(8, r.column(MEMBER_ROW_STATUS).size(), r.out().lines()
                .filter(l -> l.contains(".9999.9999.2.")).reduce("", (x, y) -> x + "\n" + y));
    }
}
