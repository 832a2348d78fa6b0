package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths;
import net.coopwan.daemon.steer.EmergencyCounters;
import net.coopwan.daemon.steer.EmergencyDestination;
import net.coopwan.daemon.steer.EmergencyGrant;
import net.coopwan.daemon.steer.EmergencyHelperRules;
import net.coopwan.daemon.steer.EmergencyMode;
import net.coopwan.daemon.steer.EmergencyQuota;
import net.coopwan.daemon.steer.EmergencyRequesterPlan;
import net.coopwan.daemon.steer.EmergencyRequesterRules;
import net.coopwan.daemon.steer.EmergencyResetPolicy;
import net.coopwan.daemon.steer.SteerException;

/**
 * {@link EmergencyDataPaths.EmergencyKernel} through steer: the helper's quota and forwarding
 * in {@code inet coopwan_help} ({@link EmergencyHelperRules}), the requester's policy routing,
 * masquerade, marks and resets ({@link EmergencyRequesterRules}). No mark is needed before the
 * first emergency: a session without one started on the own uplink, and the reset rule treats it
 * so. Counters are read before the rules that hold them go, so the daemon keeps them.
 */
public final class KernelEmergency implements EmergencyDataPaths.EmergencyKernel {
    private static final Logger LOG = LoggerFactory.getLogger(KernelEmergency.class);

    private final EmergencyHelperRules helper;
    private final EmergencyRequesterRules requester;
    private final String wanDevice;
    private final List<String> lanDevices;
    private final EmergencyResetPolicy reset;

    public KernelEmergency(EmergencyHelperRules helper, EmergencyRequesterRules requester, String wanDevice,
            List<String> lanDevices, EmergencyResetPolicy reset) {
        this.helper = helper;
        this.requester = requester;
        this.wanDevice = wanDevice;
        this.lanDevices = List.copyOf(lanDevices);
        this.reset = reset;
    }

    @Override
    public void help(String name, String tun, Inet4Address source, EmergencyMessage.Grant grant) throws IOException {
        if (wanDevice == null) {
            throw new IOException("no uplink to carry a neighbour's traffic on");
        }
        try {
            helper.apply(new EmergencyGrant(name, EmergencyMode.DIRECT, tun, source, wanDevice, List.of(),
                    new EmergencyQuota(grant.quotaBytes(), grant.windowMs())));
        } catch (SteerException | IllegalArgumentException e) {
            throw new IOException("helper rules: " + e.getMessage(), e);
        }
    }

    @Override
    public void helpConcentrator(String name, String peerDevice, Inet4Address source,
            List<EmergencyMessage.Destination> destinations, EmergencyMessage.Grant grant) throws IOException {
        if (wanDevice == null) {
            throw new IOException("no uplink to carry a neighbour's traffic on");
        }
        try {
            List<EmergencyDestination> to = new java.util.ArrayList<>();
            for (EmergencyMessage.Destination d : destinations) {
                to.add(new EmergencyDestination((Inet4Address) java.net.InetAddress.getByAddress(
                        java.nio.ByteBuffer.allocate(4).putInt(d.address()).array()), d.port()));
            }
            helper.apply(new EmergencyGrant(name, EmergencyMode.CONCENTRATOR, peerDevice, source, wanDevice, to,
                    new EmergencyQuota(grant.quotaBytes(), grant.windowMs())));
        } catch (SteerException | IllegalArgumentException e) {
            throw new IOException("helper rules: " + e.getMessage(), e);
        }
    }

    @Override
    public EmergencyPaths.PathCounters unhelp(String name) {
        EmergencyPaths.PathCounters last = counters(name);
        try {
            helper.remove(name);
        } catch (SteerException | IllegalArgumentException e) {
            LOG.warn("emergency: cannot remove the helper rules of {}: {}", name, e.getMessage());
        }
        return last;
    }

    @Override
    public void helperIdle() {
        try {
            helper.removeAll();
        } catch (SteerException e) {
            LOG.warn("emergency: cannot remove the helper table: {}", e.getMessage());
        }
    }

    @Override
    public EmergencyPaths.PathCounters counters(String name) {
        try {
            for (EmergencyCounters c : helper.counters()) {
                if (c.name().equals(name)) {
                    return new EmergencyPaths.PathCounters(c.carriedBytes(), 0, c.droppedOverQuotaBytes(),
                            c.refusedPackets(), 0);
                }
            }
        } catch (SteerException e) {
            LOG.debug("emergency: counters of {} unreadable: {}", name, e.getMessage());
        }
        return EmergencyPaths.PathCounters.ZERO;
    }

    @Override
    public void carry(String tun) throws IOException {
        try {
            requester.apply(new EmergencyRequesterPlan(lanDevices, tun, true, reset));
        } catch (SteerException | IllegalArgumentException e) {
            throw new IOException("requester rules: " + e.getMessage(), e);
        }
    }

    @Override
    public EmergencyPaths.PathCounters carried() {
        EmergencyPaths.PathCounters c = requesterCounters();
        return c == null ? EmergencyPaths.PathCounters.ZERO : c;
    }

    @Override
    public EmergencyPaths.PathCounters uncarry() {
        EmergencyPaths.PathCounters last = requesterCounters();
        try {
            // the table stays, with the LAN's new sessions marked as its own uplink's: those that
            // started through the helper get their RST when they next send
            requester.apply(new EmergencyRequesterPlan(lanDevices, EmergencyDataPaths.REQUESTER_TUN, false, reset));
        } catch (SteerException | IllegalArgumentException e) {
            LOG.warn("emergency: cannot move the LAN back to the own uplink: {}", e.getMessage());
        }
        return last == null ? EmergencyPaths.PathCounters.ZERO : last;
    }

    /** What went through the helper since the requester's table was last replaced; null without the table. */
    private EmergencyPaths.PathCounters requesterCounters() {
        try {
            long[] c = requester.counters();
            return c == null ? null : new EmergencyPaths.PathCounters(c[0], c[1], 0, 0, 0);
        } catch (SteerException e) {
            LOG.debug("emergency: requester counters unreadable: {}", e.getMessage());
            return null;
        }
    }

    @Override
    public java.util.Map<String, EmergencyPaths.PathCounters> clear() {
        java.util.Map<String, EmergencyPaths.PathCounters> left = new java.util.LinkedHashMap<>();
        try {
            for (EmergencyCounters c : helper.counters()) {
                left.put(c.name(), new EmergencyPaths.PathCounters(c.carriedBytes(), 0, c.droppedOverQuotaBytes(),
                        c.refusedPackets(), 0));
            }
        } catch (SteerException e) {
            LOG.debug("emergency: helper counters unreadable: {}", e.getMessage());
        }
        EmergencyPaths.PathCounters mine = requesterCounters();
        if (mine != null) {
            left.put(EmergencyDataPaths.REQUESTER_TUN, mine);
        }
        try {
            helper.removeAll();
        } catch (SteerException e) {
            LOG.warn("emergency: cannot remove the helper table: {}", e.getMessage());
        }
        try {
            requester.removeAll();
        } catch (SteerException e) {
            LOG.warn("emergency: cannot remove the requester rules: {}", e.getMessage());
        }
        return left;
    }
}
