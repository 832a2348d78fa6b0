package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.coopwan.config.Bond;
import net.coopwan.daemon.measure.LinkHealth;
import net.coopwan.daemon.measure.LinkHealthConfig;
import net.coopwan.daemon.tunnel.TunnelDrop;

/**
 * Router and concentrator data paths in one JVM, joined by real UDP on loopback (member links
 * sent from 127.0.0.1 and 127.0.0.2), with in-memory TUNs: handshake, both directions, spread
 * over links, anti-spoofing, a link going away and coming back, and a concentrator restart.
 */
class LoopbackBondTest {
    static final int ROUTER = MemoryTun.addr(100, 64, 100, 2);
    static final int SERVER = MemoryTun.addr(198, 18, 9, 2);
    static final byte[] PSK = new byte[32];
    /**
     * Generous reorder wait: these tests check order and delivery, not timing, and must not
     * depend on the receiver thread being scheduled within 30 ms on a busy 2-core machine.
     */
    static final long REORDER_WAIT = 500_000_000L;

    static {
        for (int i = 0; i < 32; i++) {
            PSK[i] = (byte) (100 + i);
        }
    }

    /** Loopback "uplinks": device name to source address; a test removes one to cut it. */
    static final class LoopBinder implements UplinkBinder {
        final Map<String, Inet4Address> addresses = new ConcurrentHashMap<>();

        @Override
        public Optional<Inet4Address> sourceAddress(String device) {
            return Optional.ofNullable(addresses.get(device));
        }

        @Override
        public void route(int uplinkIndex, String device, Inet4Address source, String gateway) {
        }

        @Override
        public void unroute(int uplinkIndex, String device, Inet4Address source) {
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private final MemoryTun routerTun = new MemoryTun("bond0");
    private final MemoryTun concTun = new MemoryTun("cwc0");
    private final LoopBinder binder = new LoopBinder();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Concentrator concentrator(int port) throws Exception {
        Concentrator c = new Concentrator(new Concentrator.Settings(new InetSocketAddress("127.0.0.1", port),
                500_000_000L, REORDER_WAIT, 1400),
                concTun, List.of(new Concentrator.Client("home1", PSK, (Inet4Address) InetAddress.getByName("100.64.100.2"))));
        c.start();
        open.add(c);
        return c;
    }

    private BondDataPath router(Bond.Mode mode, InetSocketAddress far) throws Exception {
        binder.addresses.put("lo-a", (Inet4Address) InetAddress.getByName("127.0.0.1"));
        binder.addresses.put("lo-b", (Inet4Address) InetAddress.getByName("127.0.0.2"));
        BondDataPath.Settings s = new BondDataPath.Settings("bond0", mode,
                List.of(new BondDataPath.Member("wan1", 0, "lo-a", null, 0),
                        new BondDataPath.Member("wan2", 1, "lo-b", null, 0)),
                far, "home1", PSK, LinkHealthConfig.DEFAULT, REORDER_WAIT, null);
        BondDataPath p = new BondDataPath(s, routerTun, binder);
        p.start();
        open.add(p);
        return p;
    }

    static void await(String what, long ms, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + ms + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static boolean bothUp(BondDataPath p) {
        return p.linkState(0) == LinkHealth.State.UP && p.linkState(1) == LinkHealth.State.UP;
    }

    @Test
    void packetsFlowBothWaysSpreadOverBothLinksAndInOrderPerFlow() throws Exception {
        Concentrator c = concentrator(0);
        BondDataPath p = router(Bond.Mode.WEIGHTED_ROUND_ROBIN, c.localAddress());
        await("session and both links up", 5000, () -> p.established() && bothUp(p) && c.established("home1"));

        int n = 2000;
        for (int i = 0; i < n; i++) {
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40000 + (i % 4), 5201, 1000, i));
        }
        Map<Integer, Integer> lastPerFlow = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] got = concTun.written.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "packet " + i + " of " + n + " arrived; drops " + c.drops().snapshot());
            int port = ((got[20] & 0xff) << 8) | (got[21] & 0xff);
            int seq = MemoryTun.seqOf(got);
            Integer last = lastPerFlow.put(port, seq);
            assertTrue(last == null || seq > last, "in order per flow: " + last + " then " + seq);
        }
        // wrr over two live links: equal shares, give or take the probes
        long a = p.txPackets(0);
        long b = p.txPackets(1);
        assertTrue(Math.abs(a - b) < n / 10, "links carried " + a + " and " + b);

        for (int i = 0; i < 500; i++) {
            concTun.inject(MemoryTun.udp(SERVER, ROUTER, 5201, 40000, 600, i));
        }
        for (int i = 0; i < 500; i++) {
            byte[] got = routerTun.written.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "return packet " + i);
            assertEquals(i, MemoryTun.seqOf(got));
        }
    }

    @Test
    void aClientCannotSendAsAnotherAddress() throws Exception {
        Concentrator c = concentrator(0);
        BondDataPath p = router(Bond.Mode.WEIGHTED_ROUND_ROBIN, c.localAddress());
        await("session", 5000, () -> p.established() && c.established("home1") && bothUp(p));
        for (int i = 0; i < 10; i++) {
            routerTun.inject(MemoryTun.udp(MemoryTun.addr(100, 64, 100, 9), SERVER, 1, 2, 100, i));
        }
        await("10 spoofed packets counted", 3000, () -> c.drops().get(TunnelDrop.NOT_ALLOWED) == 10);
        assertEquals(null, concTun.written.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void aLinkThatGoesAwayLeavesTheScheduleAndComesBack() throws Exception {
        Concentrator c = concentrator(0);
        BondDataPath p = router(Bond.Mode.WEIGHTED_ROUND_ROBIN, c.localAddress());
        await("both links up", 5000, () -> p.established() && bothUp(p));
        Inet4Address b = binder.addresses.remove("lo-b");
        long t0 = System.nanoTime();
        await("link 2 down", 3000, () -> p.linkState(1) == LinkHealth.State.DOWN);
        long downMs = (System.nanoTime() - t0) / 1_000_000;
        long before = p.txPackets(1);
        for (int i = 0; i < 200; i++) {
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40000, 5201, 500, i));
        }
        for (int i = 0; i < 200; i++) {
            assertNotNull(concTun.written.poll(5, TimeUnit.SECONDS), "packet " + i + " over the remaining link");
        }
        assertEquals(before, p.txPackets(1), "nothing sent on the dead link");
        assertTrue(downMs < 2000, "down after " + downMs + " ms (socket closed at the 1 s rebind + 500 ms silence)");
        binder.addresses.put("lo-b", b);
        await("link 2 back", 5000, () -> p.linkState(1) == LinkHealth.State.UP);
    }

    @Test
    void theRouterReconnectsWhenTheConcentratorRestarts() throws Exception {
        Concentrator c = concentrator(0);
        int port = c.localAddress().getPort();
        BondDataPath p = router(Bond.Mode.ACTIVE_BACKUP, c.localAddress());
        await("session", 5000, () -> p.established() && bothUp(p) && c.established("home1"));
        c.close();
        open.remove(c);
        Concentrator c2 = concentrator(port);
        long t0 = System.nanoTime();
        await("new session with the restarted concentrator", 10_000, () -> c2.established("home1"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        await("links up again", 5000, () -> bothUp(p));
        routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 1, 2, 100, 7));
        byte[] got = concTun.written.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals(7, MemoryTun.seqOf(got));
        assertTrue(ms < 5000, "reconnected after " + ms + " ms");
    }

    /** Junk at the concentrator's port: every datagram a counted drop, the bond carries on. */
    @Test
    void junkDatagramsAreCountedDropsAndTheBondKeepsWorking() throws Exception {
        Concentrator c = concentrator(0);
        BondDataPath p = router(Bond.Mode.WEIGHTED_ROUND_ROBIN, c.localAddress());
        await("session", 5000, () -> p.established() && bothUp(p) && c.established("home1"));
        java.util.Random rnd = new java.util.Random(4);
        long before = c.drops().total();
        int sent = 3000;
        try (java.nio.channels.DatagramChannel junk = java.nio.channels.DatagramChannel.open()) {
            for (int i = 0; i < sent; i++) {
                byte[] d = new byte[rnd.nextInt(200)];
                rnd.nextBytes(d);
                if (d.length > 4 && i % 2 == 0) {
                    d[0] = 1; // a valid version, a random type: reaches the deeper checks
                    d[1] = (byte) (1 + rnd.nextInt(9));
                    d[3] = (byte) rnd.nextInt(2);
                }
                junk.send(java.nio.ByteBuffer.wrap(d), c.localAddress());
                if (i % 500 == 499) {
                    Thread.sleep(20); // stay within the socket buffer: every datagram is counted
                }
            }
        }
        await("every junk datagram counted", 5000, () -> c.drops().total() - before >= sent - 5);
        assertTrue(c.established("home1"));
        routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 1, 2, 100, 42));
        byte[] got = concTun.written.poll(5, TimeUnit.SECONDS);
        assertNotNull(got, "the bond still carries traffic after the junk; drops " + c.drops().snapshot());
        assertEquals(42, MemoryTun.seqOf(got));
    }
}
