package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.AgreementChanged;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NearbyRouter;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.PairedPeer;
import net.coopwan.daemon.api.PeerChannelChanged;
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
 * COOPWAN-MIB's peerTable and peerUp/peerDown through net-snmp's snmpwalk and Debian's snmptrapd.
 * The agent runs on a real daemon; the neighbours come from a ControlApi that passes everything to
 * that daemon except discovery(), peers() and agreements(), which return what the test sets (the
 * daemon's agreements are another branch's work, and a real neighbour needs a second router), and
 * lets the test publish the channel changes the daemon's ChannelService publishes. A second test
 * has no such ControlApi: a real daemon hears a real beacon on a veth to a {@code cwp} namespace.
 * SNMP ports 16141 (agent) and 16142 (snmptrapd) on 127.0.0.1, 16143 for the peer link; no packet
 * leaves loopback and the test's own veth and namespace (removed in finally).
 */
class PeerTableTest {

    static final int AGENT_PORT = 16141;
    static final int TRAP_PORT = 16142;
    /** peer.port of the real-discovery test: the beacon and channel port on the veth. */
    static final int DISCOVERY_PORT = 16143;
    static final String COMMUNITY = "peers-c0mm";
    static final String ENTRY = CoopwanMib.PEER_ENTRY.toDottedString();
    static final String PEER_ID = CoopwanMib.PEER_ID.toDottedString();
    static final String AGREEMENT_ENTRY = CoopwanMib.AGREEMENT_ENTRY.toDottedString();
    static final String PARAM_VALUE = CoopwanMib.AGREEMENT_PARAM_VALUE.toDottedString();
    static final String UP_OID = "." + CoopwanMib.PEER_UP.toDottedString();
    static final String DOWN_OID = "." + CoopwanMib.PEER_DOWN.toDottedString();
    static final Instant T = Instant.parse("2026-11-24T08:00:00Z");

    @TempDir
    Path dir;

    /** The daemon's ControlApi, with the neighbours and the channel changes in the test's hands. */
    static final class Neighbours implements ControlApi {
        final ControlApi daemon;
        volatile DiscoveryStatus discovery;
        volatile PeersStatus peers = PeersStatus.off();
        volatile List<AgreementStatus> agreements = List.of();
        final List<Consumer<? super StateChange>> listeners = new CopyOnWriteArrayList<>();

        Neighbours(ControlApi daemon) {
            this.daemon = daemon;
            this.discovery = daemon.discovery();
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
        @Override public DiscoveryStatus discovery() { return discovery; }
        @Override public PeersStatus peers() { return peers; }
        @Override public List<AgreementStatus> agreements() { return agreements; }

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

    private Path config() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, "config global 'global'\n\toption control_socket ''\n\n"
                + "config uplink 'wan'\n\toption device 'lo'\n\n"
                + "config snmp 'snmp'\n\toption listen '127.0.0.1'\n\toption port '" + AGENT_PORT + "'\n"
                + "\toption v3_user '" + TestConfigs.USER + "'\n"
                + "\toption v3_auth_pass '" + TestConfigs.AUTH_PASS + "'\n"
                + "\toption v3_priv_pass '" + TestConfigs.PRIV_PASS + "'\n"
                + "\toption v2c_community '" + COMMUNITY + "'\n"
                + "\tlist notify 'trap udp:127.0.0.1:" + TRAP_PORT + "'\n"
                + "\tlist notify 'trap udp:127.0.0.1:" + TRAP_PORT + " v2c'\n");
        return cfg;
    }

    static PairedPeer paired(String id, String address, String state) {
        return new PairedPeer(id, address, state, "udp", T, "initiator", null, null, T, null, 0, 0, 0, 0, 1, "test");
    }

    static NearbyRouter heard(String address, String nonce) {
        return new NearbyRouter(address, nonce, true, List.of("emergency"), "dsl", "undisclosed", "undisclosed", 1, T, T, 4);
    }

    /** peerId value to its peerIndex, from one walk of the peerId column. */
    static Map<String, String> indexes(NetSnmp snmp) {
        NetSnmp.Result r = snmp.v3("snmpwalk", PEER_ID);
        assertEquals(0, r.exit(), r.toString());
        Map<String, String> out = new HashMap<>();
        r.column(PEER_ID).forEach((index, v) -> out.put(v.value(), index));
        return out;
    }

    @Test
    void rowsFromDiscoveryPeersAndAgreementsWithStableIndexesAndPeerUpDownAtSnmptrapd() throws Exception {
        NetSnmp.requireInstalled();
        Snmptrapd.requireInstalled();
        try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(config()))) {
            Neighbours api = new Neighbours(daemon.api());
            FrontEndContext ctx = new FrontEndContext(api, daemon.context().config(), daemon.context().stateDir());
            NetSnmp snmp = new NetSnmp(dir, AGENT_PORT);

            SnmpAgent agent = SnmpAgent.start(ctx);
            try {
                // Peer link off, nothing agreed: an empty table, not an error.
                NetSnmp.Result empty = snmp.v3("snmpwalk", ENTRY);
                assertEquals(0, empty.exit(), empty.toString());
                assertTrue(empty.column(ENTRY).isEmpty(), empty.toString());
            } finally {
                agent.close();
            }

            api.discovery = new DiscoveryStatus(true, "br-coop", 4790, "advertising", "ab12", List.of("emergency"), 9, 9,
                    6, 3, Map.of(), 0, List.of(heard("100.64.77.2", "aaaa"), heard("100.64.77.9", "beef")));
            api.peers = new PeersStatus(true, "coop-0001", "listening", List.of(
                    paired("coop-b0b0", "100.64.77.2", "ESTABLISHED"), paired("coop-a0a0", "100.64.77.3", "CONNECTING")),
                    Map.of());
            api.agreements = List.of(
                    new AgreementStatus("coop-b0b0", "Nachbar-Ost", "helper", Map.of(
                            "emergency", Map.of("quota_bytes", 5_000_000L, "window_ms", 1000L, "bandwidth_kbps", 20_000L),
                            "duplication", Map.of("bandwidth_kbps", 2000L)), T, "ctl"),
                    new AgreementStatus("coop-c0c0", "West", "requester", Map.of(
                            "proxied_bandwidth_sharing", Map.of(), "suppression", Map.of("max_drop_percent", 20L)), T, "web:admin"));

            Map<String, String> before;
            try (SnmpAgent a = SnmpAgent.start(ctx, Duration.ofMinutes(1), Duration.ofSeconds(2));
                 Snmptrapd trapd = Snmptrapd.start(dir.resolve("trapd"), TRAP_PORT, COMMUNITY, a.engine().engineIdHex())) {
                NetSnmp.Result walk = snmp.v3("snmpwalk", ENTRY);
                assertEquals(0, walk.exit(), walk.toString());
                assertFalse(walk.err().contains("OID not increasing"), walk.err());
                System.out.println("peerTable as snmpwalk printed it (" + walk.millis() + " ms):\n" + walk.out());
                before = indexes(snmp);
                assertEquals(java.util.Set.of("coop-a0a0", "coop-b0b0", "coop-c0c0", "100.64.77.9/beef"), before.keySet(),
                        "one row per neighbour; the router heard at coop-b0b0's address is coop-b0b0: " + walk.out());
                String b = before.get("coop-b0b0");
                String a0 = before.get("coop-a0a0");
                String c = before.get("coop-c0c0");
                String heard = before.get("100.64.77.9/beef");
                assertEquals(new NetSnmp.Var("STRING", "Nachbar-Ost"), walk.var(col(3, b)));
                assertEquals("3", walk.var(col(4, b)).value(), "agreed, channel ESTABLISHED: up(3)");
                assertEquals("2", walk.var(col(4, a0)).value(), "paired, no agreement: pairing(2)");
                assertEquals("4", walk.var(col(4, c)).value(), "agreed, no channel: down(4)");
                assertEquals("1", walk.var(col(4, heard)).value(), "only heard: discovered(1)");
                assertEquals("a0", octets(walk.var(col(5, b))), "emergency(0) and duplication(2)");
                assertEquals("50", octets(walk.var(col(5, c))), "bandwidthSharing(1) and suppression(3)");
                assertEquals("00", octets(walk.var(col(5, a0))));
                assertEquals(new NetSnmp.Var("Counter64", "0"), walk.var(col(6, b)), "no emergency: nothing carried");
                assertEquals(new NetSnmp.Var("Counter64", "5000000"), walk.var(col(7, b)), "the emergency quota_bytes");
                assertEquals(new NetSnmp.Var("Counter64", "0"), walk.var(col(7, c)), "no emergency, no quota");
                assertEquals(new NetSnmp.Var("INTEGER", "1"), walk.var(col(8, b)), "peerEmergencyHelp none(1)");
                assertEquals(28, walk.column(ENTRY).size(), "4 rows x 7 columns: " + walk.out());

                // The agreements: one agreementTable row per peer, role and type, the values in agreementParamTable.
                NetSnmp.Result agreed = snmp.v3("snmpwalk", AGREEMENT_ENTRY);
                assertEquals(0, agreed.exit(), agreed.toString());
                assertFalse(agreed.err().contains("OID not increasing"), agreed.err());
                System.out.println("agreementTable:\n" + agreed.out());
                String approvedAt = "07ea0b18080000002b0000"; // 2026-11-24 08:00:00.0 +00:00
                String bEmergency = b + ".2.1"; // helper(2), emergency(1)
                String bDuplication = b + ".2.3";
                String cSharing = c + ".1.2"; // requester(1), bandwidthSharing(2) (proxied)
                String cSuppression = c + ".1.4";
                for (String row : List.of(bEmergency, bDuplication, cSharing, cSuppression)) {
                    assertEquals(approvedAt, octets(agreed.var(AGREEMENT_ENTRY + ".3." + row)), row);
                }
                assertEquals("ctl", agreed.var(AGREEMENT_ENTRY + ".4." + bEmergency).value());
                assertEquals("web:admin", agreed.var(AGREEMENT_ENTRY + ".4." + cSuppression).value());
                assertEquals(8, agreed.column(AGREEMENT_ENTRY).size(), "4 rows x 2 columns: " + agreed.out());
                NetSnmp.Result values = snmp.v3("snmpwalk", PARAM_VALUE);
                assertEquals(0, values.exit(), values.toString());
                System.out.println("agreementParamTable:\n" + values.out());
                assertEquals(Map.of(
                                bEmergency + "." + implied("bandwidth_kbps"), "20000",
                                bEmergency + "." + implied("quota_bytes"), "5000000",
                                bEmergency + "." + implied("window_ms"), "1000",
                                bDuplication + "." + implied("bandwidth_kbps"), "2000",
                                cSuppression + "." + implied("max_drop_percent"), "20"),
                        values.column(PARAM_VALUE).entrySet().stream().collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().value())),
                        "one row per agreed parameter, none for proxied sharing (it has none): " + values.out());
                // A GET by a name that is no parameter: nothing there.
                NetSnmp.Result none = snmp.v3("snmpget", PARAM_VALUE + "." + bEmergency + "." + implied("speed"));
                assertTrue(none.out().contains("No Such Instance"), none.toString());

                // Writes are refused: the table is read-only.
                NetSnmp.Result set = snmp.v3("snmpset", col(3, b), "s", "x");
                assertTrue(set.exit() != 0 && set.all().matches("(?s).*(notWritable|noCreation|noAccess).*"), set.toString());

                // Channel changes: coop-b0b0 (agreed) down then up; coop-a0a0 (not agreed) up: nothing.
                api.publish(new PeerChannelChanged("coop-b0b0", "100.64.77.2", "ESTABLISHED", "CONNECTING",
                        "nothing authenticated for 5 s", Instant.now()));
                api.publish(new PeerChannelChanged("coop-a0a0", "100.64.77.3", "CONNECTING", "ESTABLISHED",
                        "peer's keys confirmed", Instant.now()));
                api.publish(new PeerChannelChanged("coop-b0b0", "100.64.77.2", "CONNECTING", "ESTABLISHED",
                        "peer's keys confirmed", Instant.now()));
                String nameVb = "." + col(3, b) + " = STRING: \"Nachbar-Ost\"";
                for (String sec : List.of("TRAP2, SNMP v3, user coopwan", "TRAP2, SNMP v2c, community " + COMMUNITY)) {
                    String down = trapd.await(l -> l.startsWith("NOTIFY " + sec) && l.contains("OID: " + DOWN_OID + "\t"), 5000);
                    assertTrue(down.contains(nameVb), down);
                    assertTrue(down.contains("." + col(4, b) + " = INTEGER: 4"), "down(4): " + down);
                    String up = trapd.await(l -> l.startsWith("NOTIFY " + sec) && l.contains("OID: " + UP_OID + "\t"), 5000);
                    assertTrue(up.contains(nameVb), up);
                    assertTrue(up.contains("." + col(4, b) + " = INTEGER: 3"), "up(3): " + up);
                }
                // One sender thread in queue order: coop-a0a0's change came before the last peerUp and sent nothing.
                assertEquals(4, trapd.lines().stream().filter(l -> l.startsWith("NOTIFY")).count(),
                        String.join("\n", trapd.lines()));
                assertEquals(new NotificationSender.Counts(4, 0, 0, 0), a.notificationCounts());

                // Agreements: coop-a0a0's channel is up; an agreement made now takes it from pairing(2)
                // to up(3): peerUp. The same agreement again (replaced), or a rejected offer: nothing.
                // Withdrawn: back to pairing(2), peerDown.
                api.peers = new PeersStatus(true, "coop-0001", "listening", List.of(
                        paired("coop-b0b0", "100.64.77.2", "ESTABLISHED"), paired("coop-a0a0", "100.64.77.3", "ESTABLISHED")),
                        Map.of());
                List<AgreementStatus> withoutA0 = api.agreements;
                List<AgreementStatus> withA0 = new java.util.ArrayList<>(withoutA0);
                withA0.add(new AgreementStatus("coop-a0a0", "Nord", "requester",
                        Map.of("emergency", Map.of("quota_bytes", 1_000_000L, "window_ms", 1000L)), T, ""));
                api.agreements = List.copyOf(withA0);
                api.publish(new AgreementChanged("coop-a0a0", AgreementChanged.What.AGREED, "response accepted", Instant.now()));
                api.publish(new AgreementChanged("coop-a0a0", AgreementChanged.What.AGREED, "response accepted", Instant.now()));
                api.publish(new AgreementChanged("coop-b0b0", AgreementChanged.What.REJECTED, "not now", Instant.now()));
                String a0Name = "." + col(3, a0) + " = STRING: \"Nord\"";
                for (String sec : List.of("TRAP2, SNMP v3, user coopwan", "TRAP2, SNMP v2c, community " + COMMUNITY)) {
                    String up = trapd.await(l -> l.startsWith("NOTIFY " + sec) && l.contains("OID: " + UP_OID + "\t")
                            && l.contains(a0Name), 5000);
                    assertTrue(up.contains("." + col(4, a0) + " = INTEGER: 3"), "up(3): " + up);
                }
                api.agreements = withoutA0;
                api.publish(new AgreementChanged("coop-a0a0", AgreementChanged.What.WITHDRAWN, "refused", Instant.now()));
                for (String sec : List.of("TRAP2, SNMP v3, user coopwan", "TRAP2, SNMP v2c, community " + COMMUNITY)) {
                    String down = trapd.await(l -> l.startsWith("NOTIFY " + sec) && l.contains("OID: " + DOWN_OID + "\t")
                            && l.contains("." + col(4, a0) + " = "), 5000);
                    assertTrue(down.contains("." + col(4, a0) + " = INTEGER: 2"), "back to pairing(2): " + down);
                }
                assertEquals(8, trapd.lines().stream().filter(l -> l.startsWith("NOTIFY")).count(),
                        "peerUp and peerDown for coop-a0a0, nothing for the repeat or the rejection:\n"
                                + String.join("\n", trapd.lines()));
                // the sender counts a notification once its send returned, which may be after snmptrapd
                // printed it (a run under load saw 7 here): wait for the count, at most 2 s
                long until = System.nanoTime() + 2_000_000_000L;
                while (a.notificationCounts().sent() < 8 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertEquals(new NotificationSender.Counts(8, 0, 0, 0), a.notificationCounts());
            }

            // A restart keeps the paired and agreed peers' indexes (STATE/snmp/indexes.properties).
            try (SnmpAgent again = SnmpAgent.start(ctx)) {
                assertEquals(0, again.notificationCounts().sent());
                Map<String, String> after = indexes(snmp);
                for (String id : List.of("coop-a0a0", "coop-b0b0", "coop-c0c0")) {
                    assertEquals(before.get(id), after.get(id), id);
                }
            }
        }
    }

    /**
     * No test ControlApi here: a real daemon with its peer link on one end of a veth (root
     * namespace, 100.127.97.1/24) hears a beacon the test sends from a {@code cwp} namespace on the
     * other end (100.127.97.2), and the peerTable shows it as discovered(1), id ADDRESS/NONCE.
     */
    @Test
    void aRouterHeardOnARealPeerLinkIsADiscoveredRow() throws Exception {
        NetSnmp.requireInstalled();
        String tag = String.format(java.util.Locale.ROOT, "%04x", java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        String ns = "cwp" + tag;
        String here = "cwp" + tag + "a";
        String there = "cwp" + tag + "b";
        int nonce = 0xbeef;
        byte[] beacon = net.coopwan.daemon.coop.advert.AdvertCodec.encodeBeacon(new net.coopwan.daemon.coop.advert.AdvertInfo(
                true, java.util.EnumSet.of(net.coopwan.daemon.coop.advert.CooperationType.EMERGENCY_CONNECTION),
                net.coopwan.daemon.coop.advert.UplinkType.FIBRE, 10, 9, 1, nonce, 0),
                net.coopwan.daemon.coop.advert.AdvertTag.checksum());
        try {
            BondTableTest.ip("netns", "add", ns);
            BondTableTest.ip("link", "add", here, "type", "veth", "peer", "name", there);
            BondTableTest.ip("link", "set", there, "netns", ns);
            BondTableTest.ip("addr", "add", "100.127.97.1/24", "brd", "+", "dev", here);
            BondTableTest.ip("link", "set", here, "up");
            BondTableTest.ip("-n", ns, "addr", "add", "100.127.97.2/24", "brd", "+", "dev", there);
            BondTableTest.ip("-n", ns, "link", "set", there, "up");
            BondTableTest.ip("-n", ns, "link", "set", "lo", "up");
            Path cfg = config();
            Files.writeString(cfg, Files.readString(cfg) + "\nconfig peer 'peer'\n\toption enabled '1'\n"
                    + "\toption device '" + here + "'\n\toption port '" + DISCOVERY_PORT + "'\n");
            try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(cfg));
                 SnmpAgent agent = SnmpAgent.start(daemon.context())) {
                NetSnmp snmp = new NetSnmp(dir, AGENT_PORT);
                String id = "100.127.97.2/beef";
                String index = null;
                // The beacon is sent every 200 ms from the namespace until the row shows (at most 10 s).
                for (int i = 0; i < 50 && index == null; i++) {
                    sendFrom(ns, beacon, "100.127.97.255", DISCOVERY_PORT);
                    Thread.sleep(200);
                    index = indexes(snmp).get(id);
                }
                NetSnmp.Result walk = snmp.v3("snmpwalk", ENTRY);
                assertTrue(index != null, "no row " + id + ": " + walk + "\n" + daemon.api().discovery());
                System.out.println("peerTable of a real daemon hearing one router:\n" + walk.out());
                assertEquals("1", walk.var(col(4, index)).value(), "discovered(1)");
                assertEquals("", walk.var(col(3, index)).value(), "no name is known");
                assertEquals("00", octets(walk.var(col(5, index))), "no agreement, no types");
                assertEquals(7, walk.column(ENTRY).size(), "the one router: " + walk.out());
            }
        } finally {
            Process p = new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start();
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Process q = new ProcessBuilder("ip", "link", "del", here).redirectErrorStream(true).start();
            if (!q.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                q.destroyForcibly();
            }
        }
    }

    /** One UDP broadcast from inside namespace {@code ns} (Python's socket module: Java cannot enter a namespace). */
    static void sendFrom(String ns, byte[] payload, String address, int port) throws Exception {
        String script = "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
                + " s.setsockopt(socket.SOL_SOCKET,socket.SO_BROADCAST,1);"
                + " s.sendto(bytes.fromhex(sys.argv[1]),(sys.argv[2],int(sys.argv[3])))";
        BondTableTest.ip("netns", "exec", ns, "/usr/bin/python3", "-c", script,
                java.util.HexFormat.of().formatHex(payload), address, String.valueOf(port));
    }

    /** An OCTET STRING as hex digits, whether net-snmp printed it as Hex-STRING or (printable) as STRING. */
    static String octets(NetSnmp.Var v) {
        if (v.type().equals("Hex-STRING")) {
            return v.value().replace(" ", "").toLowerCase();
        }
        assertEquals("STRING", v.type(), v.toString());
        return java.util.HexFormat.of().formatHex(v.value().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** An IMPLIED DisplayString index: one sub-identifier per octet, no length. */
    static String implied(String name) {
        return String.join(".", name.chars().mapToObj(Integer::toString).toList());
    }

    /** The OID of column {@code c} of peer row {@code index}, without the leading dot. */
    static String col(int c, String index) {
        return ENTRY + "." + c + "." + index;
    }
}
