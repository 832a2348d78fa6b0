package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.NotifyTarget;
import net.coopwan.daemon.api.UplinkStateChanged;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.daemon.testing.TestInterfaces;
import net.coopwan.daemon.tun.LinuxTunDevices;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.snmp.mib.CoopwanMib;
import net.coopwan.snmp.security.V3Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * COOPWAN-MIB uplinkDown/uplinkUp from a real daemon, through the agent, to Debian's snmptrapd:
 * the uplink is a TUN interface the test makes and takes down and up with {@code ip link}. No
 * packet is sent through it. snmptrapd, the agent, the daemon and the interface go away after each
 * test, passed or failed.
 */
class NotificationTest {

    static final String COMMUNITY = "traps-c0mm";
    static final String DOWN_OID = "." + CoopwanMib.UPLINK_DOWN.toDottedString();
    static final String UP_OID = "." + CoopwanMib.UPLINK_UP.toDottedString();
    static final String NAME_COL = "." + CoopwanMib.UPLINK_NAME.toDottedString();
    static final String STATE_COL = "." + CoopwanMib.UPLINK_STATE.toDottedString();

    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    @TempDir
    Path dir;

    private Path config(String device, int agentPort, String... notify) throws Exception {
        StringBuilder b = new StringBuilder("config global 'global'\n\toption control_socket ''\n\n"
                + "config uplink 'other'\n\toption device 'lo'\n\n"
                + "config uplink 'fibre'\n\toption device '" + device + "'\n\n"
                + "config snmp 'snmp'\n\toption listen '127.0.0.1'\n\toption port '" + agentPort + "'\n"
                + "\toption v3_user '" + TestConfigs.USER + "'\n"
                + "\toption v3_auth_pass '" + TestConfigs.AUTH_PASS + "'\n"
                + "\toption v3_priv_pass '" + TestConfigs.PRIV_PASS + "'\n"
                + "\toption v2c_community '" + COMMUNITY + "'\n");
        for (String n : notify) {
            b.append("\tlist notify '").append(n).append("'\n");
        }
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, b.toString());
        return cfg;
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "link", "set"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ": " + out);
    }

    private static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " not within " + millis + " ms");
            }
            Thread.sleep(50);
        }
    }

    /** The line of one kind of notification, from one security ("TRAP2, SNMP v3", "INFORM, SNMP v2c"...). */
    private static boolean notification(String line, String security, String trapOid, String uplink) {
        return line.startsWith("NOTIFY " + security) && line.contains("OID: " + trapOid + "\t")
                && line.contains("STRING: \"" + uplink + "\"");
    }

    @Test
    void uplinkDownAndUpReachSnmptrapdAsV3TrapV3InformAndV2cInform() throws Exception {
        Snmptrapd.requireInstalled();
        NetSnmp.requireInstalled();
        String dev = ifs.name();
        int agentPort = TestDaemon.freeUdpPort();
        int trapPort = TestDaemon.freeUdpPort();
        String at = "udp:127.0.0.1:" + trapPort;
        Path cfg = config(dev, agentPort, "trap " + at, "inform " + at + " v3", "inform " + at + " v2c");
        try (TunDevice tun = new LinuxTunDevices().open(dev)) {
            ip(dev, "up");
            try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(cfg));
                 SnmpAgent agent = SnmpAgent.start(daemon.context(), Duration.ofMinutes(1), Duration.ofSeconds(2));
                 Snmptrapd trapd = Snmptrapd.start(dir.resolve("trapd"), trapPort, COMMUNITY,
                         agent.engine().engineIdHex())) {
                assertEquals(UplinkStatus.State.UP, state(daemon, "fibre"));
                // The index the uplinkTable shows for 'fibre'.
                NetSnmp.Result walk = new NetSnmp(dir, agentPort).v3("snmpwalk", NAME_COL.substring(1));
                String index = null;
                for (Map.Entry<String, NetSnmp.Var> e : walk.column(NAME_COL).entrySet()) {
                    if (e.getValue().value().equals("fibre")) {
                        index = e.getKey();
                    }
                }
                assertNotNull(index, walk.toString());

                long t0 = System.nanoTime();
                ip(dev, "down");
                String v3Trap = trapd.await(l -> notification(l, "TRAP2, SNMP v3, user coopwan", DOWN_OID, "fibre"), 5000);
                long downMillis = (System.nanoTime() - t0) / 1_000_000;
                String v3Inform = trapd.await(l -> notification(l, "INFORM, SNMP v3, user coopwan", DOWN_OID, "fibre"), 5000);
                String v2cInform = trapd.await(l -> notification(l, "INFORM, SNMP v2c, community " + COMMUNITY, DOWN_OID,
                        "fibre"), 5000);
                for (String line : List.of(v3Trap, v3Inform, v2cInform)) {
                    assertTrue(line.contains("|.1.3.6.1.2.1.1.3.0 = Timeticks: "), "sysUpTime.0 first: " + line);
                    assertTrue(line.contains(NAME_COL + "." + index + " = STRING: \"fibre\""), line);
                    assertTrue(line.contains(STATE_COL + "." + index + " = INTEGER: 2"), "down(2): " + line);
                }

                ip(dev, "up");
                for (String sec : List.of("TRAP2, SNMP v3, user coopwan", "INFORM, SNMP v3, user coopwan",
                        "INFORM, SNMP v2c, community " + COMMUNITY)) {
                    String line = trapd.await(l -> notification(l, sec, UP_OID, "fibre"), 5000);
                    assertTrue(line.contains(STATE_COL + "." + index + " = INTEGER: 1"), "up(1): " + line);
                }
                await(() -> agent.notificationCounts().acknowledged() == 4, 5000,
                        "4 informs acknowledged: " + agent.notificationCounts());
                assertEquals(new NotificationSender.Counts(6, 4, 0, 0), agent.notificationCounts());
                // Only the one uplink that changed was notified ('other' on lo never changed).
                assertEquals(6, trapd.lines().stream().filter(l -> l.startsWith("NOTIFY")).count(),
                        String.join("\n", trapd.lines()));
                System.out.println("uplinkDown seen by snmptrapd " + downMillis + " ms after 'ip link set down'");
            }
        }
    }

    @Test
    void anUnreachableTargetBlocksNothingAndIsCounted() throws Exception {
        Snmptrapd.requireInstalled();
        String dev = ifs.name();
        int agentPort = TestDaemon.freeUdpPort();
        int trapPort = TestDaemon.freeUdpPort();
        int dead1 = TestDaemon.freeUdpPort();
        int dead2 = TestDaemon.freeUdpPort();
        // The dead v3 inform comes first: its engine discovery waits for the timeout, on the
        // notification thread only.
        Path cfg = config(dev, agentPort, "inform udp:127.0.0.1:" + dead1 + " v3",
                "inform udp:127.0.0.1:" + dead2 + " v2c", "trap udp:127.0.0.1:" + trapPort + " v2c");
        try (TunDevice tun = new LinuxTunDevices().open(dev)) {
            ip(dev, "up");
            try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(cfg));
                 SnmpAgent agent = SnmpAgent.start(daemon.context(), Duration.ofMinutes(1), Duration.ofMillis(500));
                 Snmptrapd trapd = Snmptrapd.start(dir.resolve("trapd"), trapPort, COMMUNITY,
                         agent.engine().engineIdHex())) {
                ip(dev, "down");
                trapd.await(l -> notification(l, "TRAP2, SNMP v2c, community " + COMMUNITY, DOWN_OID, "fibre"), 5000);
                // The daemon went on polling and answering while the informs waited.
                await(() -> state(daemon, "fibre") == UplinkStatus.State.DOWN, 3000, "daemon sees down");
                long t0 = System.nanoTime();
                daemon.api().status();
                assertTrue((System.nanoTime() - t0) < 1_000_000_000L, "status answers at once");
                ip(dev, "up");
                trapd.await(l -> notification(l, "TRAP2, SNMP v2c, community " + COMMUNITY, UP_OID, "fibre"), 8000);
                // 2 changes x 2 dead informs, each given up after 3 tries of 0.5 s.
                await(() -> agent.notificationCounts().failed() == 4, 15_000,
                        "4 informs counted as failed: " + agent.notificationCounts());
                NotificationSender.Counts c = agent.notificationCounts();
                assertEquals(0, c.acknowledged());
                assertEquals(0, c.dropped());
            }
        }
    }

    /** When the sender is stuck, notifications beyond the queue are dropped and counted, never waited for. */
    @Test
    void aFullQueueDropsAndCounts() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        V3Credentials v3 = new V3Credentials(TestConfigs.USER, "SHA-256", TestConfigs.AUTH_PASS, "AES-128",
                TestConfigs.PRIV_PASS);
        try (NotificationSender s = new NotificationSender(new byte[] {(byte) 0x80, 0, 0x1f, (byte) 0x88, 4, 1, 2, 3},
                1, v3, () -> {
                    stuck.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return (CoopwanConfig) null;
                }, name -> 1, change -> java.util.Optional.empty(), change -> java.util.Optional.empty(),
                Duration.ofMillis(100))) {
            UplinkStateChanged down = new UplinkStateChanged("wan", "eth1", UplinkStatus.State.UP,
                    UplinkStatus.State.DOWN, Instant.now());
            s.onStateChange(down);
            assertTrue(stuck.await(5, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            for (int i = 0; i < NotificationSender.QUEUE + 10; i++) {
                s.onStateChange(down);
            }
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "the listener never waits");
            assertEquals(10, s.counts().dropped());
            release.countDown();
        }
    }

    @Test
    void whichNotification() {
        Instant now = Instant.now();
        UplinkStatus.State up = UplinkStatus.State.UP;
        UplinkStatus.State down = UplinkStatus.State.DOWN;
        UplinkStatus.State missing = UplinkStatus.State.MISSING;
        UplinkStatus.State disabled = UplinkStatus.State.DISABLED;
        assertEquals(CoopwanMib.UPLINK_DOWN, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", up, down, now)));
        assertEquals(CoopwanMib.UPLINK_DOWN, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", up, missing, now)));
        assertEquals(CoopwanMib.UPLINK_DOWN, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", disabled, down, now)));
        assertEquals(null, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", down, missing, now)));
        assertEquals(null, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", up, disabled, now)));
        assertEquals(CoopwanMib.UPLINK_UP, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", missing, up, now)));
        assertEquals(CoopwanMib.UPLINK_UP, NotificationSender.notificationFor(new UplinkStateChanged("a", "d", disabled, up, now)));
        assertEquals(NotifyTarget.Kind.TRAP, NotifyTarget.Kind.valueOf("TRAP"));
    }

    private static UplinkStatus.State state(TestDaemon d, String uplink) {
        return d.api().uplinks().stream().filter(u -> u.name().equals(uplink)).findFirst().orElseThrow().state();
    }
}
