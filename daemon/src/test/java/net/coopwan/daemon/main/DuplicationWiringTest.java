package net.coopwan.daemon.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.coopwan.config.Bond;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.uci.UciDocument;
import net.coopwan.daemon.api.LatencyStatus;
import net.coopwan.daemon.coop.latency.LatencyPolicy;
import net.coopwan.daemon.datapath.BondDataPath;
import net.coopwan.daemon.datapath.UplinkBinder;
import net.coopwan.daemon.measure.LinkHealthConfig;
import net.coopwan.daemon.steer.LatencyRouteRules;
import net.coopwan.daemon.steer.SteerRanges;
import net.coopwan.daemon.testing.ManualClock;
import net.coopwan.daemon.tun.TunDevice;

/** The router's duplication wiring: routing into the bond follows its data path, duplication the switch. */
class DuplicationWiringTest {

    /** A TUN that is never read or written: the data path is built, not started. */
    private static final TunDevice IDLE_TUN = new TunDevice() {
        @Override
        public String name() {
            return "bond0";
        }

        @Override
        public int ifIndex() {
            return 9;
        }

        @Override
        public int fd() {
            return -1;
        }

        @Override
        public void setMtu(int mtu) {
        }

        @Override
        public void setUp(boolean up) {
        }

        @Override
        public int read(ByteBuffer dst, int timeoutMillis) {
            return 0;
        }

        @Override
        public int write(ByteBuffer src) {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    private static final UplinkBinder NO_BINDER = new UplinkBinder() {
        @Override
        public Optional<Inet4Address> sourceAddress(String device) {
            return Optional.empty();
        }

        @Override
        public void route(int uplinkIndex, String device, Inet4Address source, String configuredGateway) {
        }

        @Override
        public void unroute(int uplinkIndex, String device, Inet4Address source) {
        }
    };

    private final LatencyWiringTest.Fake os = new LatencyWiringTest.Fake();
    private final List<String> log = new ArrayList<>();
    private final List<BondDataPath> built = new ArrayList<>();
    private BondDataPath running;
    private String agreed;
    private boolean established;
    private long now;

    private final DuplicationWiring.Neighbours neighbours = new DuplicationWiring.Neighbours() {
        @Override
        public String withDuplication() {
            return agreed;
        }

        @Override
        public boolean established(String peerId) {
            return established;
        }

        @Override
        public long duplicationKbps(String peerId) {
            return 1000;
        }
    };

    static CoopwanConfig withBond() throws Exception {
        String text = new String(ConfigLoader.defaultDocument().text()) + "\nconfig bond 'bond0'\n\tlist member 'wan'\n"
                + "\toption concentrator '198.18.0.1:4791'\n\toption client_id 'home1'\n"
                + "\toption key 'TOi0QU8wFRBy23pUSrfxhLdyP2olBnLNTZu6zrs9mkg='\n\toption address '100.64.100.2/24'\n";
        return ConfigLoader.load(UciDocument.parse(text, null));
    }

    private BondDataPath path() throws IOException {
        BondDataPath p = new BondDataPath(new BondDataPath.Settings("bond0", Bond.Mode.WEIGHTED_ROUND_ROBIN,
                List.of(new BondDataPath.Member("wan", 0, "eth1", null, 0),
                        new BondDataPath.Member("neighbour", 80, "br-coop", null, 0, true)),
                new InetSocketAddress("198.18.0.1", 4791), "home1", new byte[32], LinkHealthConfig.DEFAULT, 30_000_000L,
                null), IDLE_TUN, NO_BINDER);
        built.add(p);
        return p;
    }

    @AfterEach
    void close() {
        built.forEach(BondDataPath::close);
    }

    private DuplicationWiring start() throws Exception {
        CoopwanConfig c = withBond();
        return DuplicationWiring.start(c, new LatencyPolicy(c.latency(), new ManualClock()),
                new LatencyRouteRules(os, SteerRanges.DEFAULTS), b -> b.equals("bond0") ? running : null, neighbours,
                () -> now, log::add);
    }

    private boolean routed() {
        return os.lines.stream().anyMatch(l -> l.startsWith("nft -f - <<add table inet coopwan_lcroute"))
                && os.lines.stream().anyMatch(l -> l.startsWith("ip -4 -batch - <<route replace default dev bond0 table 3184"));
    }

    @Test
    void routingFollowsTheDataPathAndDuplicationTheAgreementAndTheChannel() throws Exception {
        DuplicationWiring w = start();
        assertTrue(os.lines.contains("ip -4 rule show"), "a killed run's rule is looked for at start");
        assertFalse(routed(), "no data path: LC connections keep the kernel's path");
        assertEquals("no bond with a concentrator running", w.status().reason());

        running = path();
        os.lines.clear();
        w.tick(List.of());
        assertTrue(routed(), os.lines.toString());
        LatencyStatus.Duplication d = w.status();
        assertFalse(d.on());
        assertEquals("no agreement enables duplication", d.reason());

        agreed = "coop-b";
        w.tick(List.of());
        assertFalse(w.status().on(), "agreement but no channel");
        established = true;
        w.tick(List.of());
        d = w.status();
        assertTrue(d.on(), d.toString());
        assertEquals("coop-b", d.neighbour());
        assertFalse(d.neighbourPathInUse(), "no emergency or sharer put the member into the bond");

        established = false; // the neighbour link is lost
        w.tick(List.of());
        assertFalse(w.status().on());
        assertTrue(w.status().reason().startsWith("neighbour link lost"), w.status().reason());
        established = true;
        w.tick(List.of());
        assertTrue(w.status().on());
        agreed = null; // withdrawn
        w.tick(List.of());
        assertFalse(w.status().on());

        agreed = "coop-b";
        w.tick(List.of());
        assertTrue(w.status().on());
        running = null; // the bond's data path stopped
        os.lines.clear();
        w.tick(List.of());
        assertFalse(w.status().on());
        assertTrue(os.lines.contains("ip -4 route flush table 3184"), os.lines.toString());
        long changes = log.stream().filter(l -> l.startsWith("lc duplication ON") || l.startsWith("lc duplication OFF")).count();
        assertEquals(9, changes, String.join("\n", log));

        os.lines.clear();
        w.close();
        assertTrue(os.lines.contains("ip -4 route flush table 3184"), os.lines.toString());
        assertTrue(os.lines.stream().anyMatch(l -> l.startsWith("nft -f - <<add table inet coopwan_lcroute")), os.lines.toString());
        assertFalse(w.status().on());
    }

    /**
     * What a duplication-only agreement's path through the neighbour follows (sharing's borrower
     * asks for it and keeps it only while this says yes): ON with that neighbour, nothing else.
     */
    @Test
    void thePathThroughTheNeighbourIsWantedExactlyWhileDuplicationIsOnWithIt() throws Exception {
        DuplicationWiring w = start();
        agreed = "coop-b";
        established = true;
        assertFalse(w.wantsPath("coop-b"), "no bond running yet");
        running = path();
        w.tick(List.of());
        assertTrue(w.wantsPath("coop-b"), w.status().toString());
        assertFalse(w.wantsPath("coop-c"), "not another neighbour");
        assertFalse(w.wantsPath(null));
        established = false;
        w.tick(List.of());
        assertFalse(w.wantsPath("coop-b"), "channel lost");
        established = true;
        w.tick(List.of());
        assertTrue(w.wantsPath("coop-b"));
        assertEquals(1000, w.neighbourCapKbps(), "the agreement's rate while nobody caps the member");
        running.shareStandby("100.64.79.2", 485, 485, true);
        w.tick(List.of());
        assertEquals(485, w.neighbourCapKbps(), "what the neighbour's quota sustains, below the agreement's 1000");
        running.unshareStandby("test");
        w.tick(List.of());
        assertEquals(1000, w.neighbourCapKbps());
        running = null;
        w.tick(List.of());
        assertFalse(w.wantsPath("coop-b"), "the bond stopped");
        running = path();
        w.tick(List.of());
        assertTrue(w.wantsPath("coop-b"));
        w.close();
        assertFalse(w.wantsPath("coop-b"), "closed");
    }

    @Test
    void aRestartedDataPathGetsTheClassifierAgain() throws Exception {
        agreed = "coop-b";
        established = true;
        running = path();
        DuplicationWiring w = start();
        assertTrue(w.status().on());
        running = path(); // a reload rebuilt the bond's data path
        w.tick(List.of());
        assertTrue(w.status().on());
        assertTrue(log.stream().noneMatch(l -> l.startsWith("lc duplication OFF")), String.join("\n", log));
    }
}
