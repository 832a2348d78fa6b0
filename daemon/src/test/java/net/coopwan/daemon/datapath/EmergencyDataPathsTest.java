package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths;
import net.coopwan.daemon.measure.LinkHealthConfig;
import net.coopwan.daemon.steer.CommandResult;
import net.coopwan.daemon.steer.CommandRunner;
import net.coopwan.daemon.steer.SteerRanges;
import net.coopwan.daemon.steer.TunnelRoutes;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tun.TunDevices;

/**
 * Mode direct on loopback, kernel rules recorded instead of applied: the helper's concentrator
 * and the requester's one-member bond find each other from the grant alone (port, addresses,
 * key), packets cross both ways, and everything is gone after uncarry and closeHelp.
 */
class EmergencyDataPathsTest {
    static final int REQUESTER = MemoryTun.addr(100, 127, 255, 2);
    static final int HELPER = MemoryTun.addr(100, 127, 255, 1);
    static final int SERVER = MemoryTun.addr(198, 18, 9, 2);

    /** Memory TUNs by name, so the test can reach both ends. */
    static final class Tuns implements TunDevices {
        final Map<String, MemoryTun> open = new HashMap<>();

        @Override
        public synchronized TunDevice open(String name) throws IOException {
            if (open.containsKey(name)) {
                throw new IOException("interface '" + name + "' exists");
            }
            MemoryTun t = new MemoryTun(name) {
                @Override
                public void close() {
                    super.close();
                    synchronized (Tuns.this) {
                        open.remove(name);
                    }
                }
            };
            open.put(name, t);
            return t;
        }
    }

    /** The kernel side, recorded. */
    static final class Kernel implements EmergencyDataPaths.EmergencyKernel {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void help(String name, String tun, Inet4Address source, EmergencyMessage.Grant grant) {
            calls.add("help " + name + " " + tun + " " + source.getHostAddress() + " " + grant.quotaBytes());
        }

        @Override
        public void helpConcentrator(String name, String peerDevice, Inet4Address source,
                List<EmergencyMessage.Destination> destinations, EmergencyMessage.Grant grant) {
            calls.add("helpConcentrator " + name + " " + peerDevice + " " + source.getHostAddress() + " " + destinations);
        }

        @Override
        public EmergencyPaths.PathCounters unhelp(String name) {
            calls.add("unhelp " + name);
            return counters(name);
        }

        @Override
        public void helperIdle() {
            calls.add("helperIdle");
        }

        @Override
        public EmergencyPaths.PathCounters counters(String name) {
            return new EmergencyPaths.PathCounters(1000, 0, 0, 0, 0);
        }

        @Override
        public void carry(String tun) {
            calls.add("carry " + tun);
        }

        @Override
        public EmergencyPaths.PathCounters carried() {
            return new EmergencyPaths.PathCounters(250, 350, 0, 0, 0);
        }

        @Override
        public EmergencyPaths.PathCounters uncarry() {
            calls.add("uncarry");
            return new EmergencyPaths.PathCounters(300, 400, 0, 0, 0);
        }

        @Override
        public Map<String, EmergencyPaths.PathCounters> clear() {
            calls.add("clear");
            return Map.of();
        }
    }

    static final CommandRunner OK = (argv, stdin, timeout) -> new CommandResult(0, "", "");

    final Tuns tuns = new Tuns();
    final Kernel helperKernel = new Kernel();
    final Kernel requesterKernel = new Kernel();
    final LoopbackBondTest.LoopBinder binder = new LoopbackBondTest.LoopBinder();
    /** The requester's standby members, recorded. */
    final List<String> neighbourCalls = new ArrayList<>();
    final EmergencyDataPaths.NeighbourMembers neighbours = new EmergencyDataPaths.NeighbourMembers() {
        @Override
        public boolean activate(InetAddress helper, String failedDevice) {
            neighbourCalls.add("activate " + helper.getHostAddress() + " instead of " + failedDevice);
            return true;
        }

        @Override
        public void deactivate() {
            neighbourCalls.add("deactivate");
        }

        @Override
        public boolean share(InetAddress sharer, long downKbps, long upKbps) {
            neighbourCalls.add("share " + sharer.getHostAddress() + " " + downKbps + "/" + upKbps);
            return true;
        }

        @Override
        public void unshare(String why) {
            neighbourCalls.add("unshare");
        }
    };
    EmergencyDataPaths helper;
    EmergencyDataPaths requester;

    EmergencyDataPaths paths(Kernel k, String peerDevice) {
        EmergencyDataPaths.Settings s = new EmergencyDataPaths.Settings(LinkHealthConfig.DEFAULT, 50_000_000L,
                500_000_000L, peerDevice, "wan-dev");
        return new EmergencyDataPaths(s, tuns, new TunnelRoutes(OK, SteerRanges.DEFAULTS), k, binder, neighbours);
    }

    @AfterEach
    void close() {
        if (requester != null) {
            requester.clear();
        }
        if (helper != null) {
            helper.clear();
        }
    }

    @Test
    void theGrantAloneJoinsTheTwoEndsAndPacketsCrossBothWays() throws Exception {
        binder.addresses.put("peer-h", (Inet4Address) InetAddress.getByName("127.0.0.1"));
        binder.addresses.put("peer-r", (Inet4Address) InetAddress.getByName("127.0.0.3"));
        helper = paths(helperKernel, "peer-h");
        requester = paths(requesterKernel, "peer-r");
        byte[] key = new byte[32];
        key[0] = 7;
        int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
        EmergencyMessage.Grant g = new EmergencyMessage.Grant(50_000_000L, 1000, port, REQUESTER, HELPER, 24, key);
        helper.openHelp("reqid", InetAddress.getByName("127.0.0.3"), EmergencyMessage.Mode.DIRECT, g, List.of());
        requester.carry("helpid", InetAddress.getByName("127.0.0.1"), EmergencyMessage.Mode.DIRECT, g);
        assertEquals(List.of("help r" + port + " cwh0 100.127.255.2 50000000"), helperKernel.calls);
        assertEquals(List.of("carry cwe0"), requesterKernel.calls);

        MemoryTun reqTun = tuns.open.get("cwe0");
        MemoryTun helpTun = tuns.open.get("cwh0");
        assertNotNull(reqTun);
        assertNotNull(helpTun);
        // the LAN's packets (masqueraded to the requester's inner address) come out of the helper's TUN
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        byte[] up = MemoryTun.udp(REQUESTER, SERVER, 40000, 9000, 200, 1);
        byte[] got = null;
        for (int i = 0; got == null && System.nanoTime() < until; i++) {
            reqTun.inject(up);
            got = helpTun.written.poll(100, TimeUnit.MILLISECONDS);
        }
        assertNotNull(got, "a packet crossed requester -> helper");
        assertArrayEquals(up, got);
        // and the replies back
        byte[] down = MemoryTun.udp(SERVER, REQUESTER, 9000, 40000, 300, 2);
        helpTun.inject(down);
        byte[] back = reqTun.written.poll(5, TimeUnit.SECONDS);
        assertNotNull(back, "a reply crossed helper -> requester");
        assertArrayEquals(down, back);
        assertEquals(new EmergencyPaths.PathCounters(250, 350, 0, 0, 0), requester.counters("helpid", false),
                "the live counters are the kernel's, the ones the end stores: not the tunnel's sealed bytes");
        assertEquals(1000, helper.counters("reqid", true).bytesOut());

        assertEquals(new EmergencyPaths.PathCounters(300, 400, 0, 0, 0), requester.uncarry("helpid"),
                "the kernel's last counters of the path");
        assertEquals(1000, helper.closeHelp("reqid").bytesOut());
        assertEquals("uncarry", requesterKernel.calls.get(requesterKernel.calls.size() - 1));
        assertEquals(List.of("unhelp r" + port, "helperIdle"), helperKernel.calls.subList(helperKernel.calls.size() - 2,
                helperKernel.calls.size()), "the last requester gone, the helper's table goes");
        assertTrue(tuns.open.isEmpty(), "both TUNs closed: " + tuns.open.keySet());
    }

    @Test
    void modeConcentratorOpensTheHelpersGateAndTheRequestersStandbyMembersOnly() throws Exception {
        binder.addresses.put("peer-h", (Inet4Address) InetAddress.getByName("127.0.0.1"));
        helper = paths(helperKernel, "peer-h");
        requester = paths(requesterKernel, "peer-r");
        EmergencyMessage.Grant g = new EmergencyMessage.Grant(1_000_000L, 100, 4791, REQUESTER, HELPER, 24, new byte[32]);
        List<EmergencyMessage.Destination> to = List.of(new EmergencyMessage.Destination(SERVER, 4795));
        helper.openHelp("reqid", InetAddress.getByName("100.64.79.1"), EmergencyMessage.Mode.CONCENTRATOR, g, to);
        assertEquals(List.of("helpConcentrator r4791 peer-h 100.64.79.1 [198.18.9.2:4795]"), helperKernel.calls);
        assertTrue(tuns.open.isEmpty(), "no tunnel end on the helper: the kernel forwards");
        requester.carry("helpid", InetAddress.getByName("100.64.79.2"), EmergencyMessage.Mode.CONCENTRATOR, g);
        assertEquals(List.of("activate 100.64.79.2 instead of wan-dev"), neighbourCalls);
        assertTrue(requesterKernel.calls.isEmpty(), "no policy routing, no resets: the sessions stay");
        requester.uncarry("helpid");
        helper.closeHelp("reqid");
        assertEquals(List.of("activate 100.64.79.2 instead of wan-dev", "deactivate"), neighbourCalls);
        assertEquals(List.of("unhelp r4791", "helperIdle"), helperKernel.calls.subList(helperKernel.calls.size() - 2,
                helperKernel.calls.size()));
    }

    /**
     * Bandwidth sharing per packet, the sharer: the borrower's sealed packets forwarded to the
     * allowed concentrators under a name of their own; a new quota re-applies it; an emergency of
     * mode concentrator from the same neighbour replaces it instead of being refused as a clash.
     * The share's own quota on it (one per borrower across its paths) is on before the first
     * forwarding, off while the emergency carries (its quota is the emergency's alone), on again
     * when it hands back, and off at the close.
     */
    @Test
    void aSharersSealedForwardingHasItsOwnNameAndGivesWayToAnEmergency() throws Exception {
        binder.addresses.put("peer-h", (Inet4Address) InetAddress.getByName("127.0.0.1"));
        helper = paths(helperKernel, "peer-h");
        InetAddress borrower = InetAddress.getByName("100.64.79.1");
        List<EmergencyMessage.Destination> to = List.of(new EmergencyMessage.Destination(SERVER, 4795));
        EmergencyMessage.Grant share = new EmergencyMessage.Grant(62_500L, 1000, 4795, REQUESTER + 4, HELPER, 24, new byte[32]);
        EmergencyDataPaths.ShareQuota quota = (device, source, on) -> helperKernel.calls.add(
                "shareQuota " + device + " " + source.getHostAddress() + " " + (on ? "on" : "off"));
        helper.forwardSealed("share-sealed:bo", borrower, share, to, quota);
        helper.forwardSealed("share-sealed:bo", borrower, share, to, quota);
        assertEquals(List.of("shareQuota peer-h 100.64.79.1 on", "helpConcentrator p4795 peer-h 100.64.79.1 [198.18.9.2:4795]",
                "shareQuota peer-h 100.64.79.1 on", "helpConcentrator p4795 peer-h 100.64.79.1 [198.18.9.2:4795]"),
                helperKernel.calls);
        EmergencyMessage.Grant g = new EmergencyMessage.Grant(1_000_000L, 100, 4791, REQUESTER, HELPER, 24, new byte[32]);
        helper.openHelp("bo", borrower, EmergencyMessage.Mode.CONCENTRATOR, g, to);
        assertEquals(List.of("unhelp p4795", "shareQuota peer-h 100.64.79.1 off",
                "helpConcentrator r4791 peer-h 100.64.79.1 [198.18.9.2:4795]"),
                helperKernel.calls.subList(4, helperKernel.calls.size()));
        helper.forwardSealed("share-sealed:bo", borrower, share, to, quota);
        assertEquals(7, helperKernel.calls.size(), "a new quota while the emergency carries: kept for later " + helperKernel.calls);
        helper.closeHelp("bo");
        assertEquals(List.of("unhelp r4791", "shareQuota peer-h 100.64.79.1 on",
                "helpConcentrator p4795 peer-h 100.64.79.1 [198.18.9.2:4795]"),
                helperKernel.calls.subList(7, helperKernel.calls.size()), "the share resumes after the emergency");
        helper.closeHelp("share-sealed:bo");
        assertEquals(List.of("unhelp p4795", "shareQuota peer-h 100.64.79.1 off", "helperIdle"),
                helperKernel.calls.subList(10, helperKernel.calls.size()));
    }

    /** Bandwidth sharing's borrower: the same tunnel on its own TUN, and none of the requester's rules. */
    @Test
    void borrowOpensTheTunnelAloneAndUnborrowClosesIt() throws Exception {
        binder.addresses.put("peer-h", (Inet4Address) InetAddress.getByName("127.0.0.1"));
        binder.addresses.put("peer-r", (Inet4Address) InetAddress.getByName("127.0.0.3"));
        helper = paths(helperKernel, "peer-h");
        requester = paths(requesterKernel, "peer-r");
        byte[] key = new byte[32];
        key[0] = 9;
        int port = 20000 + (int) ((ProcessHandle.current().pid() + 7) % 20000);
        EmergencyMessage.Grant g = new EmergencyMessage.Grant(625_000L, 1000, port, REQUESTER, HELPER, 24, key);
        helper.openHelp("share:bo", InetAddress.getByName("127.0.0.3"), EmergencyMessage.Mode.DIRECT, g, List.of());
        assertEquals(EmergencyDataPaths.BORROWER_TUN, requester.borrow("sh", InetAddress.getByName("127.0.0.1"), g));
        assertTrue(requesterKernel.calls.isEmpty(), "no requester rules: " + requesterKernel.calls);
        assertEquals("cwh0", helper.tunOf("share:bo"));

        MemoryTun borrowTun = tuns.open.get(EmergencyDataPaths.BORROWER_TUN);
        MemoryTun helpTun = tuns.open.get("cwh0");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        byte[] up = MemoryTun.udp(REQUESTER, SERVER, 40000, 443, 200, 1);
        byte[] got = null;
        for (int i = 0; got == null && System.nanoTime() < until; i++) {
            borrowTun.inject(up);
            got = helpTun.written.poll(100, TimeUnit.MILLISECONDS);
        }
        assertArrayEquals(up, got, "a packet crossed borrower -> sharer");

        EmergencyMessage.Grant lower = new EmergencyMessage.Grant(125_000L, 1000, port, REQUESTER, HELPER, 24, key);
        helper.requota("share:bo", lower);
        assertEquals("help r" + port + " cwh0 100.127.255.2 125000", helperKernel.calls.get(helperKernel.calls.size() - 1),
                "the quota changed in place");
        requester.unborrow();
        requester.unborrow();
        assertFalse(tuns.open.containsKey(EmergencyDataPaths.BORROWER_TUN), "the borrower's TUN closed");
    }
}
