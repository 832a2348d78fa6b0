package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Snmp;
import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, restart and configuration variants of the agent, checked with net-snmp's tools. */
class SnmpAgentLifecycleTest {

    static final String ENGINE_ID = "1.3.6.1.6.3.10.2.1.1.0";
    static final String ENGINE_BOOTS = "1.3.6.1.6.3.10.2.1.2.0";
    static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
    static final String SYS_CONTACT = "1.3.6.1.2.1.1.4.0";
    static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";

    @TempDir
    Path netSnmpHome;

    @BeforeAll
    static void tools() {
        NetSnmp.requireInstalled();
    }

    @Test
    void engineBootsIncreaseAcrossRestartsAndTheEngineIdStays() throws Exception {
        int port = TestDaemon.freeUdpPort();
        try (TestDaemon d = TestDaemon.start(TestConfigs.with(TestConfigs.snmp(port, "")))) {
            NetSnmp snmp = new NetSnmp(netSnmpHome, port);
            String[] ids = new String[3];
            long[] boots = new long[3];
            for (int run = 0; run < 3; run++) {
                SnmpFrontEnd fe = new SnmpFrontEnd();
                fe.start(d.context());
                try {
                    NetSnmp.Result r = snmp.v3("snmpget", ENGINE_ID, ENGINE_BOOTS);
                    assertEquals(0, r.exit(), r.toString());
                    ids[run] = r.var(ENGINE_ID).value();
                    boots[run] = Long.parseLong(r.var(ENGINE_BOOTS).value());
                } finally {
                    fe.stop();
                }
            }
            assertEquals(ids[0], ids[1]);
            assertEquals(ids[0], ids[2]);
            assertTrue(ids[0].startsWith("80 00 1F 88 05"), "RFC 3411 format, enterprise 8072: " + ids[0]);
            assertTrue(boots[1] == boots[0] + 1 && boots[2] == boots[1] + 1,
                    "boots " + boots[0] + ", " + boots[1] + ", " + boots[2]);
            String file = Files.readString(d.stateDir().resolve("snmp/engine.properties"));
            assertTrue(file.contains("engineBoots=" + boots[2]), file);
        }
    }

    @Test
    void withoutCommunityV1AndV2cAreOff() throws Exception {
        int port = TestDaemon.freeUdpPort();
        try (TestDaemon d = TestDaemon.start(TestConfigs.with(TestConfigs.snmp(port, "")))) {
            SnmpFrontEnd fe = new SnmpFrontEnd();
            String line = fe.start(d.context());
            try {
                assertTrue(line.endsWith("v2c read-only off)"), line);
                NetSnmp snmp = new NetSnmp(netSnmpHome, port);
                NetSnmp.Result pub = snmp.v2c("snmpget", "public", SYS_DESCR);
                assertTrue(pub.all().contains("Timeout"), pub.toString());
                NetSnmp.Result empty = snmp.v1("snmpget", "", SYS_DESCR);
                assertTrue(empty.all().contains("Timeout"), empty.toString());
                assertEquals(0, snmp.v3("snmpget", SYS_DESCR).exit());
            } finally {
                fe.stop();
            }
        }
    }

    @Test
    void otherProtocolCombinationsInteroperateWithNetSnmp() throws Exception {
        // SHA (20-octet key) with AES-256 needs the key extension; SHA-512 with AES-192 does not.
        String[][] combos = {{"SHA", "AES-256", "SHA", "AES-256"}, {"SHA-512", "AES-192", "SHA-512", "AES-192"}};
        for (String[] c : combos) {
            int port = TestDaemon.freeUdpPort();
            try (TestDaemon d = TestDaemon.start(TestConfigs.with(TestConfigs.snmp(port, "", c[0], c[1])))) {
                SnmpFrontEnd fe = new SnmpFrontEnd();
                String line = fe.start(d.context());
                try {
                    assertTrue(line.contains("authPriv " + c[0] + "/" + c[1]), line);
                    NetSnmp.Result r = new NetSnmp(netSnmpHome, port).v3With("snmpget", TestConfigs.USER, c[2],
                            TestConfigs.AUTH_PASS, c[3], TestConfigs.PRIV_PASS, SYS_DESCR);
                    assertEquals(0, r.exit(), c[0] + "/" + c[1] + ": " + r);
                    assertTrue(r.var(SYS_DESCR).value().startsWith("coopwan "));
                } finally {
                    fe.stop();
                }
            }
        }
    }

    @Test
    void portInUseIsAClearErrorAndCountsNoBoot() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             TestDaemon d = TestDaemon.start(TestConfigs.with(TestConfigs.snmp(taken.getLocalPort(), "")))) {
            SnmpFrontEnd fe = new SnmpFrontEnd();
            IOException e = assertThrows(IOException.class, () -> fe.start(d.context()));
            assertTrue(e.getMessage().contains("cannot listen on udp:127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
            assertFalse(Files.exists(d.stateDir().resolve("snmp/engine.properties")));
        }
    }

    @Test
    void stopReleasesThePortAndTheThreads() throws Exception {
        int port = TestDaemon.freeUdpPort();
        try (TestDaemon d = TestDaemon.start(TestConfigs.with(TestConfigs.snmp(port, "")))) {
            SnmpFrontEnd fe = new SnmpFrontEnd();
            fe.start(d.context());
            assertTrue(threads("coopwan-snmp") > 0, "workers run while started");
            fe.stop();
            try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                assertEquals(port, again.getLocalPort());
            }
            assertEquals(0, threads("coopwan-snmp"), "no worker left");
            fe.stop(); // a second stop is harmless
        }
    }

    @Test
    void badConfigurationIsNamedAndNothingListens() throws Exception {
        int port = TestDaemon.freeUdpPort();
        Snmp good = TestConfigs.snmp(port, "");
        Snmp md5 = new Snmp(true, "127.0.0.1", port, "coopwan", "MD5", TestConfigs.AUTH_PASS, "AES-128",
                TestConfigs.PRIV_PASS, "", "", "", "");
        Snmp shortPass = new Snmp(true, "127.0.0.1", port, "coopwan", "SHA-256", "short", "AES-128",
                TestConfigs.PRIV_PASS, "", "", "", "");
        Snmp hostName = new Snmp(true, "localhost", port, "coopwan", "SHA-256", TestConfigs.AUTH_PASS, "AES-128",
                TestConfigs.PRIV_PASS, "", "", "", "");
        try (TestDaemon d = TestDaemon.start(TestConfigs.with(good))) {
            for (Snmp bad : new Snmp[] {md5, shortPass, hostName}) {
                CoopwanConfig c = TestConfigs.with(bad);
                FrontEndContext ctx = new FrontEndContext(d.api(), c, d.stateDir());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new SnmpFrontEnd().start(ctx));
                assertTrue(e.getMessage().startsWith("snmp "), e.getMessage());
                assertFalse(e.getMessage().contains(TestConfigs.AUTH_PASS), "no secret in: " + e.getMessage());
            }
            try (DatagramSocket free = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                assertTrue(free.isBound(), "nothing was left listening");
            }
        }
    }

    @Test
    void foundByServiceLoaderAndEnabledByConfig() throws Exception {
        FrontEnd found = ServiceLoader.load(FrontEnd.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f instanceof SnmpFrontEnd).findFirst().orElseThrow();
        assertEquals("snmp", found.name());
        int port = TestDaemon.freeUdpPort();
        Snmp on = TestConfigs.snmp(port, "");
        Snmp off = new Snmp(false, on.listen(), on.port(), on.v3User(), on.v3AuthProtocol(), on.v3AuthPass(),
                on.v3PrivProtocol(), on.v3PrivPass(), "", "", "", "");
        try (TestDaemon d = TestDaemon.start(TestConfigs.with(on))) {
            assertTrue(found.enabled(d.context()));
            assertFalse(found.enabled(new FrontEndContext(d.api(), TestConfigs.with(off), d.stateDir())));
        }
    }

    @Test
    void systemGroupFollowsAConfigReloadWithoutRestart(@TempDir Path etc) throws Exception {
        int port = TestDaemon.freeUdpPort();
        Path file = etc.resolve("coopwan");
        Files.writeString(file, uci(port, "first@example.net", "coopwan-lab"));
        try (TestDaemon d = TestDaemon.start(ConfigHolder.fromFile(file))) {
            SnmpFrontEnd fe = new SnmpFrontEnd();
            fe.start(d.context());
            try {
                NetSnmp snmp = new NetSnmp(netSnmpHome, port);
                NetSnmp.Result before = snmp.v3("snmpget", SYS_CONTACT, SYS_NAME);
                assertEquals("first@example.net", before.var(SYS_CONTACT).value(), before.toString());
                assertEquals("coopwan-lab", before.var(SYS_NAME).value());

                Files.writeString(file, uci(port, "second@example.net", ""));
                assertTrue(d.api().reload().applied());
                NetSnmp.Result after = snmp.v3("snmpget", SYS_CONTACT, SYS_NAME);
                assertEquals("second@example.net", after.var(SYS_CONTACT).value(), after.toString());
                assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(),
                        after.var(SYS_NAME).value(), "empty sys_name: the host name");
            } finally {
                fe.stop();
            }
        }
    }

    private static String uci(int port, String contact, String name) {
        return "config global 'global'\n"
                + "\toption role 'router'\n"
                + "config uplink 'wan'\n"
                + "\toption device 'lo'\n"
                + "config snmp 'snmp'\n"
                + "\toption listen '127.0.0.1'\n"
                + "\toption port '" + port + "'\n"
                + "\toption v3_user '" + TestConfigs.USER + "'\n"
                + "\toption v3_auth_pass '" + TestConfigs.AUTH_PASS + "'\n"
                + "\toption v3_priv_pass '" + TestConfigs.PRIV_PASS + "'\n"
                + "\toption sys_contact '" + contact + "'\n"
                + "\toption sys_name '" + name + "'\n";
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
