package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.PeersStatus;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.StateChange;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.snmp.mib.CoopwanMib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency connection in COOPWAN-MIB through net-snmp's snmpget, snmpwalk and snmpset and
 * Debian's snmptrapd: coopEmergenciesStarted, coopEmergenciesActive, coopEmergencyBytesCarried,
 * peerQuotaUsed and peerEmergencyHelp read, peerEmergencyHelp written (and refused), and
 * emergencyStarted/emergencyEnded received as v3 trap, v2c trap and v3 inform. The agent runs on a
 * real daemon; the neighbours and the emergency come from a ControlApi that passes everything else
 * to that daemon and returns for peers(), agreements() and emergency() what the test sets, records
 * endEmergency() and publishes what the daemon's EmergencyService would (a real emergency needs two
 * routers and a kernel data path). Ports are free UDP ports on 127.0.0.1.
 */
class EmergencyTest {

    static final String COMMUNITY = "emerg-c0mm";
    static final String ENTRY = CoopwanMib.PEER_ENTRY.toDottedString();
    static final String STARTED = CoopwanMib.COOP_EMERGENCIES_STARTED.toDottedString() + ".0";
    static final String ACTIVE = CoopwanMib.COOP_EMERGENCIES_ACTIVE.toDottedString() + ".0";
    static final String BYTES = CoopwanMib.COOP_EMERGENCY_BYTES_CARRIED.toDottedString() + ".0";
    static final String ROLE = "." + CoopwanMib.COOP_EMERGENCY_ROLE.toDottedString() + ".0";
    static final String STARTED_OID = "." + CoopwanMib.EMERGENCY_STARTED.toDottedString();
    static final String ENDED_OID = "." + CoopwanMib.EMERGENCY_ENDED.toDottedString();
    static final Instant T = Instant.parse("2026-12-06T08:00:00Z");
    static final List<String> SECURITY = List.of("TRAP2, SNMP v3, user coopwan", "TRAP2, SNMP v2c, community " + COMMUNITY,
            "INFORM, SNMP v3, user coopwan");

    @TempDir
    Path dir;

    /** The daemon's ControlApi with the neighbours and the emergency in the test's hands. */
    static final class Emergencies implements ControlApi {
        final ControlApi daemon;
        volatile PeersStatus peers = PeersStatus.off();
        volatile List<AgreementStatus> agreements = List.of();
        volatile EmergencyStatus emergency = EmergencyStatus.off(T);
        /** endEmergency refuses with RESOURCE_UNAVAILABLE, as the daemon does with the peer link off. */
        volatile boolean linkOff;
        final List<String> ended = new CopyOnWriteArrayList<>();
        final List<Consumer<? super StateChange>> listeners = new CopyOnWriteArrayList<>();

        Emergencies(ControlApi daemon) {
            this.daemon = daemon;
        }

        void publish(StateChange c) {
            listeners.forEach(l -> l.accept(c));
        }

        @Override public Status status() { return daemon.status(); }
        @Override public List<UplinkStatus> uplinks() { return daemon.uplinks(); }
        @Override public List<NetInterface> interfaces() { return daemon.interfaces(); }
        @Override public List<Event> events(int limit) { return daemon.events(limit); }
        @Override public CoopwanConfig config() { return daemon.config(); }
        @Override public ReloadResult reload() { return daemon.reload(); }
        @Override public List<BondStatus> bonds() { return daemon.bonds(); }
        @Override public BondStatus createBond(BondRequest r) { return daemon.createBond(r); }
        @Override public void destroyBond(String name) { daemon.destroyBond(name); }
        @Override public BondStatus updateBond(String name, BondUpdate u) { return daemon.updateBond(name, u); }
        @Override public BondStatus addBondMember(String b, String u) { return daemon.addBondMember(b, u); }
        @Override public BondStatus removeBondMember(String b, String u) { return daemon.removeBondMember(b, u); }
        @Override public BondStatus setBondActive(String name, boolean a) { return daemon.setBondActive(name, a); }
        @Override public DiscoveryStatus discovery() { return DiscoveryStatus.off("br-coop", 4790); }
        @Override public PeersStatus peers() { return peers; }
        @Override public List<AgreementStatus> agreements() { return agreements; }
        @Override public EmergencyStatus emergency() { return emergency; }

        /** As the daemon's EmergencyService.endHelp: PREPARING or HELPING becomes ENDING, and the end is published. */
        @Override
        public synchronized void endEmergency(String peerId, String via) {
            EmergencyStatus e = emergency;
            EmergencyStatus.Helping h = e.helping().stream().filter(x -> x.peerId().equals(peerId)).findFirst().orElse(null);
            if (h == null || h.state().equals("ENDING")) {
                throw new ControlException(ControlException.Reason.NOT_FOUND, "not helping " + peerId);
            }
            if (linkOff) {
                throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "peer link off");
            }
            ended.add(peerId + " via " + via);
            List<EmergencyStatus.Helping> hs = new ArrayList<>(e.helping());
            hs.replaceAll(x -> x == h ? helping(peerId, "ENDING", 0, 0) : x);
            emergency = new EmergencyStatus(e.requester(), hs, e.started(), e.counters());
            publish(new EmergencyChanged(peerId, "helper", false, "ended by the owner via " + via, Instant.now()));
        }

        @Override
        public AutoCloseable subscribe(Consumer<? super StateChange> listener) {
            AutoCloseable real = daemon.subscribe(listener);
            listeners.add(listener);
            return () -> {
                listeners.remove(listener);
                real.close();
            };
        }
    }

    static EmergencyStatus.Helping helping(String peerId, String state, long bytesCarried, int percent) {
        return new EmergencyStatus.Helping(peerId, state, T, "uplink_down", 5_000_000L, 1000, bytesCarried, 0, 0, percent);
    }

    static EmergencyStatus.Requester carriedBy(String helper) {
        return new EmergencyStatus.Requester("CARRIED", helper, T, "carried by neighbour " + helper, "direct",
                1_000_000L, 1000, 777_000L, 888_000L);
    }

    static final EmergencyStatus.Requester NORMAL = new EmergencyStatus.Requester("NORMAL", null, T, "", "", 0, 0, 0, 0);

    private Path config(int agentPort, int trapPort) throws Exception {
        Path cfg = dir.resolve("coopwan");
        String at = "udp:127.0.0.1:" + trapPort;
        Files.writeString(cfg, "config global 'global'\n\toption control_socket ''\n\n"
                + "config uplink 'wan'\n\toption device 'lo'\n\n"
                + "config snmp 'snmp'\n\toption listen '127.0.0.1'\n\toption port '" + agentPort + "'\n"
                + "\toption v3_user '" + TestConfigs.USER + "'\n"
                + "\toption v3_auth_pass '" + TestConfigs.AUTH_PASS + "'\n"
                + "\toption v3_priv_pass '" + TestConfigs.PRIV_PASS + "'\n"
                + "\toption v2c_community '" + COMMUNITY + "'\n"
                + "\tlist notify 'trap " + at + "'\n"
                + "\tlist notify 'trap " + at + " v2c'\n"
                + "\tlist notify 'inform " + at + " v3'\n");
        return cfg;
    }

    @Test
    void scalarsQuotaAndHelpReadSetsEndOrAreRefusedAndNotificationsReachSnmptrapd() throws Exception {
        NetSnmp.requireInstalled();
        Snmptrapd.requireInstalled();
        int agentPort = TestDaemon.freeUdpPort();
        int trapPort = TestDaemon.freeUdpPort();
        try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(config(agentPort, trapPort)))) {
            Emergencies api = new Emergencies(daemon.api());
            api.peers = new PeersStatus(true, "coop-0001", "listening", List.of(
                    PeerTableTest.paired("coop-b0b0", "100.64.77.2", "ESTABLISHED"),
                    PeerTableTest.paired("coop-c0c0", "100.64.77.3", "ESTABLISHED")), Map.of());
            api.agreements = List.of(
                    new AgreementStatus("coop-b0b0", "Nachbar-Ost", "helper", Map.of(
                            "emergency", Map.of("quota_bytes", 5_000_000L, "window_ms", 1000L)), T, "ctl"),
                    new AgreementStatus("coop-c0c0", "West", "requester", Map.of(
                            "emergency", Map.of("quota_bytes", 1_000_000L, "window_ms", 1000L)), T, ""));
            FrontEndContext ctx = new FrontEndContext(api, daemon.context().config(), daemon.context().stateDir());
            NetSnmp snmp = new NetSnmp(dir, agentPort);

            try (SnmpAgent agent = SnmpAgent.start(ctx, Duration.ofMinutes(1), Duration.ofSeconds(2));
                 Snmptrapd trapd = Snmptrapd.start(dir.resolve("trapd"), trapPort, COMMUNITY,
                         agent.engine().engineIdHex())) {
                Map<String, String> index = PeerTableTest.indexes(snmp);
                String b = index.get("coop-b0b0");
                String c = index.get("coop-c0c0");

                // No emergency: all 0, none(1).
                NetSnmp.Result off = snmp.v3("snmpget", STARTED, ACTIVE, BYTES);
                assertEquals(0, off.exit(), off.toString());
                assertEquals(new NetSnmp.Var("Counter32", "0"), off.var(STARTED));
                assertEquals(new NetSnmp.Var("Gauge32", "0"), off.var(ACTIVE));
                assertEquals(new NetSnmp.Var("Counter64", "0"), off.var(BYTES));
                NetSnmp.Result walk0 = snmp.v3("snmpwalk", ENTRY);
                assertEquals(new NetSnmp.Var("Counter64", "0"), walk0.var(col(6, b)));
                assertEquals(new NetSnmp.Var("INTEGER", "1"), walk0.var(col(8, b)), "none(1)");

                // This router helps coop-b0b0 (37 % of 5 MB used in the last window) and is carried by coop-c0c0.
                api.emergency = new EmergencyStatus(carriedBy("coop-c0c0"),
                        List.of(helping("coop-b0b0", "HELPING", 123_456L, 37)), 2, Map.of());
                api.publish(new EmergencyChanged("coop-b0b0", "helper", true, "uplink_down", Instant.now()));
                api.publish(new EmergencyChanged("coop-c0c0", "requester", true, "all uplinks down", Instant.now()));
                for (String sec : SECURITY) {
                    String lb = trapd.await(l -> notification(l, sec, STARTED_OID, col(3, b)), 5000);
                    assertVarbinds(lb, b, "Nachbar-Ost", 2, 2);
                    String lc = trapd.await(l -> notification(l, sec, STARTED_OID, col(3, c)), 5000);
                    assertVarbinds(lc, c, "West", 1, 2);
                }
                NetSnmp.Result on = awaitGet(snmp, BYTES, "123456", STARTED, ACTIVE, BYTES);
                System.out.println("the scalars as snmpget printed them:\n" + on.out());
                assertEquals(new NetSnmp.Var("Counter32", "2"), on.var(STARTED));
                assertEquals(new NetSnmp.Var("Gauge32", "2"), on.var(ACTIVE), "helping coop-b0b0, carried by coop-c0c0");
                assertEquals(new NetSnmp.Var("Counter64", "123456"), on.var(BYTES),
                        "the helper's bytesCarried only, not the requester's own 777000 bytesSent");
                awaitGet(snmp, col(6, b), "1850000", col(6, b)); // the peerTable too is read at most every 500 ms
                NetSnmp.Result walk = snmp.v3("snmpwalk", ENTRY);
                System.out.println("peerTable:\n" + walk.out());
                assertEquals(new NetSnmp.Var("Counter64", "1850000"), walk.var(col(6, b)), "37 % of 5000000");
                assertEquals(new NetSnmp.Var("Counter64", "5000000"), walk.var(col(7, b)));
                assertEquals(new NetSnmp.Var("INTEGER", "3"), walk.var(col(8, b)), "helping(3)");
                assertEquals(new NetSnmp.Var("Counter64", "0"), walk.var(col(6, c)), "not helped: nothing carried for it");
                assertEquals(new NetSnmp.Var("INTEGER", "1"), walk.var(col(8, c)), "none(1): it helps us, not we it");

                // The session grows; it ends (ENDING reads 0) and a new one starts: the counter never goes back.
                api.emergency = new EmergencyStatus(carriedBy("coop-c0c0"),
                        List.of(helping("coop-b0b0", "HELPING", 200_000L, 40)), 2, Map.of());
                awaitGet(snmp, BYTES, "200000", BYTES);
                api.emergency = new EmergencyStatus(carriedBy("coop-c0c0"),
                        List.of(helping("coop-b0b0", "ENDING", 0, 0)), 2, Map.of());
                NetSnmp.Result ending = awaitGet(snmp, ACTIVE, "1", ACTIVE, BYTES);
                assertEquals("200000", ending.var(BYTES).value(), "an ending session keeps what it carried");
                api.emergency = new EmergencyStatus(carriedBy("coop-c0c0"),
                        List.of(helping("coop-b0b0", "HELPING", 1_000L, 1)), 3, Map.of());
                NetSnmp.Result again = awaitGet(snmp, BYTES, "201000", STARTED, ACTIVE, BYTES);
                assertEquals("3", again.var(STARTED).value());
                assertEquals("2", again.var(ACTIVE).value());

                // Refused sets change nothing and call nothing.
                refused(snmp.v3("snmpset", col(8, b), "i", "3"), "wrongValue", "helping(3) cannot be written");
                refused(snmp.v3("snmpset", col(8, b), "i", "7"), "wrongValue", "out of range");
                refused(snmp.v3("snmpset", col(8, b), "i", "0"), "wrongValue", "out of range");
                refused(snmp.v3("snmpset", col(8, b), "s", "end"), "wrongType", "not an INTEGER");
                refused(snmp.v3("snmpset", ENTRY + ".8.999", "i", "4"), "noCreation", "no such peer");
                refused(snmp.v3("snmpset", col(8, c), "i", "4"), "inconsistentValue", "nothing carried for coop-c0c0");
                refused(snmp.v3("snmpset", col(7, b), "u", "1"), "notWritable", "peerQuotaLimit is read-only");
                // All or nothing: a valid end with a refused varbind in the same request ends nothing.
                refused(snmp.v3("snmpset", col(8, b), "i", "4", col(3, b), "s", "x"), "notWritable", "peerName");
                // v2c is read-only.
                NetSnmp.Result v2c = snmp.v2c("snmpset", COMMUNITY, col(8, b), "i", "4");
                assertTrue(v2c.exit() != 0 && v2c.all().matches("(?s).*(noAccess|notWritable|authorizationError).*"),
                        v2c.toString());
                // The daemon refuses at commit (peer link off): its reason, nothing ended.
                api.linkOff = true;
                refused(snmp.v3("snmpset", col(8, b), "i", "4"), "resourceUnavailable", "peer link off");
                api.linkOff = false;
                assertEquals(List.of(), api.ended, "no refused set reached endEmergency");
                assertEquals("3", snmp.v3("snmpget", col(8, b)).var(col(8, b)).value(), "still helping(3)");

                // The owner ends the help through SNMP: endEmergency(peer, "snmp"), emergencyEnded, ending(4).
                NetSnmp.Result end = snmp.v3("snmpset", col(8, b), "i", "4");
                assertEquals(0, end.exit(), end.toString());
                assertEquals(new NetSnmp.Var("INTEGER", "4"), end.var(col(8, b)));
                assertEquals(List.of("coop-b0b0 via snmp"), api.ended);
                for (String sec : SECURITY) {
                    String l = trapd.await(x -> notification(x, sec, ENDED_OID, col(3, b)), 5000);
                    assertVarbinds(l, b, "Nachbar-Ost", 2, 1);
                }
                NetSnmp.Result after = awaitGet(snmp, ACTIVE, "1", col(8, b), col(6, b), ACTIVE);
                assertEquals("4", after.var(col(8, b)).value(), "ending(4)");
                assertEquals("0", after.var(col(6, b)).value(), "nothing carried while ending");
                assertEquals("1", after.var(ACTIVE).value(), "only the requester's session");
                // Ending again: inconsistentValue, not a second call.
                refused(snmp.v3("snmpset", col(8, b), "i", "4"), "inconsistentValue", "already ending");
                assertEquals(1, api.ended.size());

                // Our own uplink recovered: the requester's session ends.
                api.emergency = new EmergencyStatus(NORMAL, List.of(), 3, Map.of());
                api.publish(new EmergencyChanged("coop-c0c0", "requester", false, "uplink recovered", Instant.now()));
                for (String sec : SECURITY) {
                    String l = trapd.await(x -> notification(x, sec, ENDED_OID, col(3, c)), 5000);
                    assertVarbinds(l, c, "West", 1, 0);
                }
                NetSnmp.Result last = awaitGet(snmp, ACTIVE, "0", STARTED, ACTIVE, BYTES);
                assertEquals("3", last.var(STARTED).value());
                assertEquals("201000", last.var(BYTES).value(), "a counter: what was carried stays counted");

                await(() -> agent.notificationCounts().acknowledged() == 4, 5000,
                        "4 informs acknowledged: " + agent.notificationCounts());
                assertEquals(new NotificationSender.Counts(12, 4, 0, 0), agent.notificationCounts());
                assertEquals(12, trapd.lines().stream().filter(l -> l.startsWith("NOTIFY")).count(),
                        "2 starts and 2 ends, 3 targets each:\n" + String.join("\n", trapd.lines()));
            }
        }
    }

    /** A notification line from snmptrapd of kind {@code sec}, trap OID {@code oid}, with a varbind of {@code nameOid}. */
    static boolean notification(String line, String sec, String oid, String nameOid) {
        return line.startsWith("NOTIFY " + sec) && line.contains("OID: " + oid + "\t") && line.contains("." + nameOid + " = ");
    }

    /** sysUpTime.0, snmpTrapOID.0, then peerName.p, coopEmergencyRole.0 and coopEmergenciesActive.0, in that order. */
    static void assertVarbinds(String line, String peerIndex, String name, int role, int active) {
        String[] vbs = line.substring(line.indexOf('|') + 1).split("\t");
        assertEquals(5, vbs.length, line);
        assertTrue(vbs[0].startsWith(".1.3.6.1.2.1.1.3.0 = Timeticks: "), "sysUpTime.0 first: " + line);
        assertTrue(vbs[1].startsWith(".1.3.6.1.6.3.1.1.4.1.0 = OID: "), "snmpTrapOID.0: " + line);
        assertEquals("." + col(3, peerIndex) + " = STRING: \"" + name + "\"", vbs[2], line);
        assertEquals(ROLE + " = INTEGER: " + role, vbs[3], line);
        assertEquals("." + ACTIVE + " = Gauge32: " + active, vbs[4], line);
    }

    static void refused(NetSnmp.Result r, String error, String why) {
        assertTrue(r.exit() != 0 && r.all().contains(error), why + ": expected " + error + ", got " + r);
    }

    /** snmpget of {@code oids} until {@code oid} reads {@code value} (the agent serves a read for 500 ms). */
    static NetSnmp.Result awaitGet(NetSnmp snmp, String oid, String value, String... oids) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            NetSnmp.Result r = snmp.v3("snmpget", oids);
            assertEquals(0, r.exit(), r.toString());
            if (r.var(oid).value().equals(value)) {
                return r;
            }
            if (System.nanoTime() > end) {
                fail(oid + " did not become " + value + ": " + r);
            }
            Thread.sleep(100);
        }
    }

    static void await(java.util.function.BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail(what);
            }
            Thread.sleep(20);
        }
    }

    static String col(int c, String index) {
        return ENTRY + "." + c + "." + index;
    }
}
