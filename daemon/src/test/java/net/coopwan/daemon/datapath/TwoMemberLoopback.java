package net.coopwan.daemon.datapath;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import net.coopwan.config.Bond;
import net.coopwan.daemon.measure.LinkHealth;
import net.coopwan.daemon.measure.LinkHealthConfig;

/**
 * The loopback lab of the LC-duplication and shared-member tests: a concentrator on 127.0.0.1 with
 * the client {@code home1}, and the router's bond {@code bond0} through it with two members, the
 * own uplink {@code wan} (device lo-a, 127.0.0.1, index 0) and the neighbour's {@code neighbour}
 * (lo-b, 127.0.0.2, index 1), on memory TUNs; {@link #close} (a test's {@code @AfterEach}) closes
 * what was started, newest first.
 */
final class TwoMemberLoopback implements AutoCloseable {

    final List<AutoCloseable> open = new ArrayList<>();
    final MemoryTun routerTun = new MemoryTun("bond0");
    final MemoryTun concTun = new MemoryTun("cwc0");
    final LoopbackBondTest.LoopBinder binder = new LoopbackBondTest.LoopBinder();

    record Lab(Concentrator concentrator, BondDataPath path) {
    }

    /**
     * @param neighbourStandby the neighbour's member waits for a share (the sharing variant); then
     *                         only the own member is awaited up
     */
    Lab start(boolean neighbourStandby) throws Exception {
        Concentrator c = new Concentrator(new Concentrator.Settings(new InetSocketAddress("127.0.0.1", 0),
                500_000_000L, LoopbackBondTest.REORDER_WAIT, 1400), concTun,
                List.of(new Concentrator.Client("home1", LoopbackBondTest.PSK,
                        (Inet4Address) InetAddress.getByName("100.64.100.2"))));
        c.start();
        open.add(c);
        binder.addresses.put("lo-a", (Inet4Address) InetAddress.getByName("127.0.0.1"));
        binder.addresses.put("lo-b", (Inet4Address) InetAddress.getByName("127.0.0.2"));
        BondDataPath p = new BondDataPath(new BondDataPath.Settings("bond0", Bond.Mode.WEIGHTED_ROUND_ROBIN,
                List.of(new BondDataPath.Member("wan", 0, "lo-a", null, 0),
                        new BondDataPath.Member("neighbour", 1, "lo-b", null, 0, neighbourStandby)),
                c.localAddress(), "home1", LoopbackBondTest.PSK, LinkHealthConfig.DEFAULT,
                LoopbackBondTest.REORDER_WAIT, null), routerTun, binder);
        p.start();
        open.add(p);
        if (neighbourStandby) {
            LoopbackBondTest.await("session, own member up", 5000,
                    () -> p.established() && c.established("home1") && p.linkState(0) == LinkHealth.State.UP);
        } else {
            LoopbackBondTest.await("session, both members up", 5000, () -> p.established() && c.established("home1")
                    && p.linkState(0) == LinkHealth.State.UP && p.linkState(1) == LinkHealth.State.UP);
        }
        return new Lab(c, p);
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}
