package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import net.coopwan.daemon.coop.emergency.EmergencyCodec;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.sharing.SharingPaths;
import net.coopwan.daemon.steer.EmergencyQuota;
import net.coopwan.daemon.steer.SharingBorrowerPlan;
import net.coopwan.daemon.steer.SharingBorrowerRules;
import net.coopwan.daemon.steer.SharingLenderRules;

/**
 * Bandwidth sharing's paths on the emergency connection's (one neighbour path, one
 * implementation): a sharer lends through {@link EmergencyDataPaths#openHelp} in mode direct (a
 * tunnel end, the helper's NAT and upload quota) plus {@link SharingLenderRules} for the downloads;
 * a borrower opens {@link EmergencyDataPaths#borrow} and lets {@link SharingBorrowerRules} choose
 * the sessions that go into it.
 *
 * <p>Slots: the emergency's helper uses slots 0-3 (its tunnel port {@code helper_port + slot},
 * inner address {@code network + 2 + slot}); sharing takes 4-7, so a neighbour may borrow and, when
 * its uplink fails, be helped at the same time. A tunnel network too small for a slot (a /29 has
 * room for slot 4 only) refuses the grant.
 */
public final class SharingDataPaths implements SharingPaths {

    /** Slots of sharing's paths on a sharer (the emergency's are 0-3). */
    static final int FIRST_SLOT = 4;
    static final int SLOTS = 4;

    /**
     * @param helperPort    the emergency's {@code helper_port}; sharing's ports are {@code + 4..7}
     * @param tunnelNetwork the emergency's tunnel network, as an int
     * @param tunnelPrefix  its prefix length
     * @param lanDevices    the borrower's LAN devices whose new sessions may move
     * @param ports         TCP ports of the sessions that may move
     */
    public record Settings(int helperPort, int tunnelNetwork, int tunnelPrefix, List<String> lanDevices,
                           Set<Integer> ports) {
    }

    private final Settings settings;
    private final EmergencyDataPaths paths;
    private final SharingBorrowerRules borrower;
    private final SharingLenderRules lender;
    private final Supplier<Bytes> uplink;
    private final SecureRandom random = new SecureRandom();
    /** Borrower id to its grant, while a grant or path exists; the slot is the grant's port less helper_port. */
    private final Map<String, EmergencyMessage.Grant> grants = new HashMap<>();
    /** Each open path's download quota in the lender's rules (the grant's quota is the upload's). */
    private final Map<String, EmergencyQuota> downQuotas = new HashMap<>();
    private String borrowingFrom;

    public SharingDataPaths(Settings settings, EmergencyDataPaths paths, SharingBorrowerRules borrower,
            SharingLenderRules lender, Supplier<Bytes> uplink) {
        this.settings = settings;
        this.paths = paths;
        this.borrower = borrower;
        this.lender = lender;
        this.uplink = uplink;
    }

    /** The uplink device's byte counters from sysfs ({@code rx_bytes} down, {@code tx_bytes} up); zeros if unreadable. */
    public static Supplier<Bytes> sysfs(String device) {
        Path dir = Path.of("/sys/class/net", device, "statistics");
        return () -> {
            try {
                return new Bytes(Long.parseLong(Files.readString(dir.resolve("rx_bytes")).trim()),
                        Long.parseLong(Files.readString(dir.resolve("tx_bytes")).trim()));
            } catch (IOException | NumberFormatException e) {
                return Bytes.ZERO;
            }
        };
    }

    private Integer slotOf(EmergencyMessage.Grant g) {
        return g == null ? null : g.tunnelPort() - settings.helperPort();
    }

    private static String key(String borrowerId) {
        return "share:" + borrowerId;
    }

    @Override
    public synchronized EmergencyMessage.Grant grant(String borrowerId, long quotaBytes, long windowMs) throws Exception {
        Integer slot = slotOf(grants.get(borrowerId));
        java.util.Set<Integer> used = new java.util.HashSet<>();
        grants.values().forEach(g -> used.add(slotOf(g)));
        for (int s = FIRST_SLOT; s < FIRST_SLOT + SLOTS && slot == null; s++) {
            if (!used.contains(s)) {
                slot = s;
            }
        }
        if (slot == null) {
            throw new IOException("all " + SLOTS + " sharing paths are in use");
        }
        long hosts = (1L << (32 - settings.tunnelPrefix())) - 2;
        if (2 + slot > hosts) {
            throw new IOException("the tunnel network /" + settings.tunnelPrefix() + " has no address for sharing path "
                    + slot + " (use /28 or wider)");
        }
        byte[] key = new byte[EmergencyCodec.KEY_BYTES];
        random.nextBytes(key);
        EmergencyMessage.Grant g = new EmergencyMessage.Grant(quotaBytes, windowMs, settings.helperPort() + slot,
                settings.tunnelNetwork() + 2 + slot, settings.tunnelNetwork() + 1, settings.tunnelPrefix(), key);
        grants.put(borrowerId, g);
        return g;
    }

    @Override
    public synchronized void openLend(String borrowerId, InetAddress address, EmergencyMessage.Grant grant)
            throws Exception {
        paths.openHelp(key(borrowerId), address, EmergencyMessage.Mode.DIRECT, grant, List.of());
        EmergencyQuota down = new EmergencyQuota(grant.quotaBytes(), grant.windowMs());
        lender.apply(EmergencyDataPaths.kernelName(grant), paths.tunOf(key(borrowerId)), down);
        downQuotas.put(borrowerId, down);
    }

    @Override
    public synchronized void setLendQuota(String borrowerId, long downQuotaBytes, long upQuotaBytes, long windowMs)
            throws Exception {
        EmergencyMessage.Grant g = grants.get(borrowerId);
        if (g == null) {
            throw new IOException("no sharing path for " + borrowerId);
        }
        // the grant's quota is the upload direction's (the helper's rules); the download's is the lender's.
        // Each is re-created only when it changed: a new limit starts with a full bucket
        EmergencyMessage.Grant n = new EmergencyMessage.Grant(upQuotaBytes, windowMs, g.tunnelPort(), g.requesterAddress(),
                g.helperAddress(), g.prefixLength(), g.key());
        if (upQuotaBytes != g.quotaBytes() || windowMs != g.windowMs()) {
            paths.requota(key(borrowerId), n);
        }
        EmergencyQuota down = new EmergencyQuota(downQuotaBytes, windowMs);
        if (!down.equals(downQuotas.get(borrowerId))) {
            lender.apply(EmergencyDataPaths.kernelName(n), paths.tunOf(key(borrowerId)), down);
            downQuotas.put(borrowerId, down);
        }
        grants.put(borrowerId, n);
    }

    @Override
    public synchronized void settleLendQuota(String borrowerId) {
        EmergencyMessage.Grant g = grants.get(borrowerId);
        if (g == null) {
            return;
        }
        try {
            lender.settle(EmergencyDataPaths.kernelName(g), paths.tunOf(key(borrowerId)));
        } catch (RuntimeException e) {
            // the replaced limit holds on beside the new one (the smaller binds) until the next change or the close
        }
    }

    @Override
    public synchronized void closeLend(String borrowerId) {
        downQuotas.remove(borrowerId);
        EmergencyMessage.Grant g = grants.remove(borrowerId);
        String tun = paths.tunOf(key(borrowerId));
        paths.closeHelp(key(borrowerId));
        if (g != null && tun != null) {
            try {
                lender.remove(EmergencyDataPaths.kernelName(g), tun);
            } catch (RuntimeException e) {
                // the table goes at stop in any case
            }
        }
    }

    @Override
    public synchronized Bytes lent() {
        long up = 0;
        for (String id : grants.keySet()) {
            up += paths.counters(key(id), true).bytesOut();
        }
        long down = 0;
        try {
            for (SharingLenderRules.Counters c : lender.counters()) {
                down += c.carriedBytes();
            }
        } catch (RuntimeException e) {
            // a reading, not a change: the next one will do
        }
        return new Bytes(down, up);
    }

    @Override
    public Bytes uplink() {
        return uplink.get();
    }

    @Override
    public synchronized void openBorrow(String sharerId, InetAddress address, EmergencyMessage.Grant grant)
            throws Exception {
        String tun = paths.borrow(sharerId, address, grant);
        borrower.open(new SharingBorrowerPlan(settings.lanDevices(), tun, settings.ports()));
        borrowingFrom = sharerId;
    }

    @Override
    public synchronized void setShare(String sharerId, int perMille) throws Exception {
        if (sharerId.equals(borrowingFrom)) {
            borrower.share(perMille);
        }
    }

    @Override
    public synchronized void resetSessions(String sharerId) {
        if (sharerId.equals(borrowingFrom)) {
            try {
                borrower.resetMoved(true);
            } catch (RuntimeException e) {
                // the sessions then end by themselves
            }
        }
    }

    @Override
    public synchronized int sessions(String sharerId) {
        return sharerId.equals(borrowingFrom) ? borrower.sessions() : 0;
    }

    @Override
    public synchronized Bytes borrowed(String sharerId) {
        if (!sharerId.equals(borrowingFrom)) {
            return Bytes.ZERO;
        }
        try {
            SharingBorrowerRules.Counters c = borrower.counters();
            return c == null ? Bytes.ZERO : new Bytes(c.bytesDown(), c.bytesUp());
        } catch (RuntimeException e) {
            return Bytes.ZERO;
        }
    }

    @Override
    public synchronized void closeBorrow(String sharerId) {
        if (!sharerId.equals(borrowingFrom)) {
            return;
        }
        borrowingFrom = null;
        try {
            borrower.removeAll();
        } catch (RuntimeException e) {
            // removed again at the next start
        }
        paths.unborrow();
    }

    @Override
    public synchronized void clear() {
        for (String id : List.copyOf(grants.keySet())) {
            closeLend(id);
        }
        if (borrowingFrom != null) {
            closeBorrow(borrowingFrom);
        }
        try {
            borrower.removeAll();
        } catch (RuntimeException e) {
            // nothing more to do at stop
        }
        try {
            lender.removeAll();
        } catch (RuntimeException e) {
            // nothing more to do at stop
        }
    }
}
