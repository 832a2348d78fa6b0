package net.coopwan.daemon.main;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import net.coopwan.config.CooperationType;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Suppression;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.ChannelHeader;
import net.coopwan.daemon.coop.channel.ChannelService;
import net.coopwan.daemon.coop.suppression.AppType;
import net.coopwan.daemon.coop.suppression.KernelSuppression;
import net.coopwan.daemon.coop.suppression.LcLossDetector;
import net.coopwan.daemon.coop.suppression.LcPathProbe;
import net.coopwan.daemon.coop.suppression.SuppressionFeeds;
import net.coopwan.daemon.coop.suppression.UplinkLoad;
import net.coopwan.daemon.coop.suppression.OneWayDelayTrend;
import net.coopwan.daemon.coop.suppression.PathQualityDetector;
import net.coopwan.daemon.coop.suppression.SuppressionDemands;
import net.coopwan.daemon.coop.suppression.SuppressionPolicy;
import net.coopwan.daemon.coop.suppression.SuppressionService;
import net.coopwan.daemon.coop.suppression.TrafficCapDetector;
import net.coopwan.daemon.steer.SuppressionRules;
import net.coopwan.daemon.steer.SuppressionShaper;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.uplink.failure.IcmpProber;
import net.coopwan.daemon.uplink.failure.ProbeTarget;
import net.coopwan.daemon.uplink.failure.SysfsDeviceReader;
import net.coopwan.daemon.store.StoreException;

/**
 * Builds suppression on the channel (kind SUPPRESSION) of a daemon whose peer link is on, from
 * {@code config suppression} and the enabled uplinks (docs/PROTOCOL.md 3.14). The neighbour's
 * side is complete: a paired router with a {@code suppression} agreement (this router the
 * helper, as for the other lending types) gets its requests applied within the agreement's
 * {@code max_drop_percent}. The own side's policy runs: the classification (Daemon,
 * LatencyWiring) feeds its {@code lcPacket}; {@link SuppressionFeeds} feeds the path detector
 * from echo probes towards each uplink's gateway, the loss detector from the bond's LC copies
 * once duplication runs ({@link #bond}) (only while LC traffic is current) and the cap
 * detector from the uplinks' byte counters (docs/latency.md "What feeds the detectors").
 */
final class SuppressionWiring {

    private SuppressionWiring() {
    }

    /**
     * The running service and the detectors its feeders will sample; {@link #close} removes the table.
     * {@code kernel} holds the table's counters as of the last {@link #readKernel} (null: no table).
     */
    record Running(SuppressionService service, PathQualityDetector path, OneWayDelayTrend oneWay,
                   TrafficCapDetector caps, LcLossDetector loss, SuppressionFeeds feeds, SuppressionRules rules,
                   java.util.concurrent.atomic.AtomicReference<SuppressionRules.Counters> kernel) implements AutoCloseable {

        /**
         * Reads the table's drop and mark counters (runs {@code nft}: on the classification's reading
         * thread, once a second, never on a request); a failure keeps nothing stale: no figures.
         */
        void readKernel() {
            SuppressionRules.Counters c;
            try {
                c = rules.counters();
            } catch (RuntimeException e) {
                c = null;
            }
            kernel.set(c);
        }

        @Override
        public void close() {
            feeds.close();
            service.close();
        }
    }

    /** The service registered on {@code channel}, after a killed run's table was removed; null without an uplink. */
    static Running start(CoopwanConfig c, ChannelService channel, AgreementStore store, SuppressionRules rules,
            java.util.function.Function<String, Optional<Inet4Address>> gatewayOf, Consumer<String> log) {
        List<String> uplinks = c.uplinks().stream().filter(Uplink::enabled).map(Uplink::device).distinct().toList();
        if (uplinks.isEmpty()) {
            return null;
        }
        Suppression s = c.suppression();
        List<String> lans = c.emergency().lanDevices();
        try {
            List<String> devices = new java.util.ArrayList<>(lans);
            devices.addAll(uplinks);
            rules.removeAll(devices);
        } catch (RuntimeException e) {
            log.accept("suppression: a leftover table could not be removed: " + e.getMessage());
        }
        long shapeDown = shapeDownBytesPerSecond(c, s, lans, log);
        java.util.Map<String, Long> shapeUp = shapeUpBytesPerSecond(c, s, log);
        PathQualityDetector path = new PathQualityDetector();
        OneWayDelayTrend oneWay = new OneWayDelayTrend();
        // with a shaper and no cap of the owner's, the line counts as busy from 8/9 of the shaper's rate
        // (76 % of down_kbps at shape_percent 85): the shaper holds a download at its rate, which
        // the path's RTT then no longer shows, and enforcement that ended at every good probe let
        // the ISP's queue fill again within seconds (the latency benchmark: enforcing in 5 of 27 polls)
        long busyDown = s.downKbps() > 0 ? s.downKbps() * 125 : shapeDown * 8 / 9;
        // (and the same up, from the uplinks' shapers together)
        long busyUp = s.upKbps() > 0 ? s.upKbps() * 125
                : shapeUp.values().stream().mapToLong(Long::longValue).sum() * 8 / 9;
        TrafficCapDetector caps = new TrafficCapDetector(busyUp, busyDown);
        LcLossDetector loss = new LcLossDetector();
        // LC packets are reported by classification's readings of the kernel's counter (LatencyWiring)
        SuppressionPolicy policy = new SuppressionPolicy(c.latency().currentMs() * 1_000_000L,
                SuppressionPolicy.DEFAULT_HOLD_NANOS, LatencyWiring.READ_PERIOD_MS * 1_000_000L,
                List.of(path, loss, oneWay, caps));
        path.pauseLearningWhile(policy::enforcing);
        SuppressionDemands demands = new SuppressionDemands(new KernelSuppression(rules, uplinks,
                s.perConnectionKbps() * 125, s.upKbps() * 125, s.downKbps() * 125, s.dscpCs1(),
                new SuppressionShaper(lans, shapeDown, shapeUp, lcCopyTargets(c, log))));
        SuppressionService service = new SuppressionService(policy, demands, agreements(store), ask(s),
                new SecureRandom().nextLong() & 0xffff_ffffL, log);
        channel.messages(ChannelHeader.Kind.SUPPRESSION, service);
        SysfsDeviceReader sysfs = new SysfsDeviceReader();
        UplinkLoad load = busyUp > 0 || busyDown > 0 ? new UplinkLoad(uplinks, sysfs::bytes, caps) : null;
        SuppressionFeeds feeds = new SuppressionFeeds(probes(c, path, gatewayOf, log), load, loss, service::lcCurrent, service);
        feeds.start();
        return new Running(service, path, oneWay, caps, loss, feeds, rules, new java.util.concurrent.atomic.AtomicReference<>());
    }

    /**
     * The rate what comes into the LAN is shaped to while suppressing: {@code shape_percent} of the
     * enabled uplinks' {@code down_kbps} together, in bytes per second; 0 (and a line saying why)
     * without a LAN device or with an uplink of unknown rate, since a shaper above the line shapes
     * nothing and one far under it takes the household's download for nothing.
     */
    static long shapeDownBytesPerSecond(CoopwanConfig c, Suppression s, List<String> lans, Consumer<String> log) {
        if (s.shapePercent() == 0) {
            return 0;
        }
        List<Uplink> up = c.uplinks().stream().filter(Uplink::enabled).toList();
        if (lans.isEmpty() || up.stream().anyMatch(u -> u.downKbps() <= 0)) {
            log.accept("suppression: no shaper into the LAN (" + (lans.isEmpty() ? "no LAN device: config failover's list lan"
                    : "an uplink without down_kbps") + "); other traffic is held back by drops and marks only");
            return 0;
        }
        long kbps = up.stream().mapToLong(Uplink::downKbps).sum() * s.shapePercent() / 100;
        log.accept("suppression: while enforcing, what comes in is shaped to " + kbps + " kbit/s on " + lans
                + " (" + s.shapePercent() + " % of the uplinks' down_kbps), LC traffic first");
        return kbps * 125;
    }

    /**
     * The rate what leaves each enabled uplink is shaped to while suppressing: {@code shape_percent}
     * of its {@code up_kbps}, in bytes per second; none for an uplink without {@code up_kbps} (a
     * line says so). Why up as well as down: the upload's queue at the ISP holds the LC packets
     * going up and the acknowledgements of the download, whose bursts then fill the ISP's queue
     * going down (the latency benchmark: p99 75 ms each way, suppression on, with an upload beside
     * the download).
     */
    static java.util.Map<String, Long> shapeUpBytesPerSecond(CoopwanConfig c, Suppression s, Consumer<String> log) {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        if (s.shapePercent() == 0) {
            return m;
        }
        for (Uplink u : c.uplinks()) {
            if (!u.enabled() || m.containsKey(u.device())) {
                continue;
            }
            if (u.upKbps() <= 0) {
                log.accept("suppression: no shaper on uplink " + u.name() + " (" + u.device() + "): no up_kbps");
                continue;
            }
            long kbps = u.upKbps() * s.shapePercent() / 100;
            log.accept("suppression: while enforcing, what leaves " + u.device() + " is shaped to " + kbps + " kbit/s ("
                    + s.shapePercent() + " % of its up_kbps), LC traffic first");
            m.put(u.device(), kbps * 125);
        }
        return m;
    }

    /**
     * Where the bond sends its LC copies: each bond's concentrator, as IPv4:port (one given by an
     * IPv6 literal is left out, with a line: the set is IPv4's).
     */
    static List<String> lcCopyTargets(CoopwanConfig c, Consumer<String> log) {
        List<String> out = new java.util.ArrayList<>();
        for (net.coopwan.config.Bond b : c.bonds()) {
            if (b.tunnel() == null) {
                continue;
            }
            String host = b.tunnel().concentratorHost();
            String t = host + ":" + b.tunnel().concentratorPort();
            if (SuppressionShaper.isIpv4(host)) {
                if (!out.contains(t)) {
                    out.add(t);
                }
            } else {
                log.accept("suppression: bond " + b.name() + "'s concentrator " + host + " is not IPv4: its LC copies going"
                        + " up share the shaper's queue");
            }
        }
        return out;
    }

    /** Duplication started: the bond's LC copy counters feed the loss detector. */
    static void bond(Running r, DuplicationWiring d) {
        if (r == null || d == null) {
            return;
        }
        r.feeds().bond(() -> {
            net.coopwan.daemon.datapath.LcCounters k = d.counters();
            return new long[] {k.delivered(), k.missing()};
        });
    }

    /**
     * An ICMP echo prober towards each enabled uplink's gateway (an IPv4 literal), bound to its
     * device: the nearest hop that sees the uplink's queue (the home router's own upload queue,
     * where bufferbloat builds). An uplink without a gateway, or a socket that cannot be opened
     * (not root), has no probe; that is logged once and the other detectors still work.
     */
    /**
     * One RTT probe per enabled uplink, to its configured gateway, else to the kernel's default
     * gateway on its device (as the failure watcher probes; a DHCP uplink has no gateway in its
     * config): without one, the path's detector never got a sample and suppression never enforced
     * (the latency benchmark: a saturated line, LC traffic current, 0 of 67 polls enforcing).
     */
    static List<LcPathProbe> probes(CoopwanConfig c, PathQualityDetector path,
            java.util.function.Function<String, Optional<Inet4Address>> gatewayOf, Consumer<String> log) {
        List<LcPathProbe> out = new java.util.ArrayList<>();
        for (Uplink u : c.uplinks()) {
            if (!u.enabled()) {
                continue;
            }
            try {
                Inet4Address v4;
                if (u.gateway() != null && !u.gateway().isBlank()) {
                    InetAddress a = InetAddress.getByName(u.gateway()); // a literal: the config checked it
                    if (!(a instanceof Inet4Address g)) {
                        continue;
                    }
                    v4 = g;
                } else {
                    Optional<Inet4Address> g = gatewayOf.apply(u.device());
                    if (g.isEmpty()) {
                        log.accept("suppression: no RTT probe on " + u.device() + ": no gateway configured or in its routes");
                        continue;
                    }
                    v4 = g.get();
                }
                out.add(new LcPathProbe(IcmpProber.open(ProbeTarget.icmp(v4), u.device(), null), path));
                log.accept("suppression: RTT probe on " + u.device() + " to " + v4.getHostAddress() + " while LC traffic is current");
            } catch (IOException | RuntimeException e) {
                log.accept("suppression: no RTT probe on " + u.device() + ": " + e.getMessage());
            }
        }
        return out;
    }

    static SuppressionService.Ask ask(Suppression s) {
        return new SuppressionService.Ask(s.enabled(), s.askNeighbours(), AppType.valueOf(s.appType().toUpperCase(Locale.ROOT)),
                s.maxDropPercent(), s.leaseMs());
    }

    /** As helper: the agreed max_drop_percent; as requester: the peers with a suppression agreement. */
    static SuppressionService.Agreements agreements(AgreementStore store) {
        return new SuppressionService.Agreements() {
            @Override
            public int grantedTo(String peerId) {
                Optional<Agreement> a = EmergencyWiring.agreementWith(store, peerId, Role.HELPER);
                return a.map(SuppressionWiring::maxDropPercent).orElse(-1);
            }

            private Set<String> cached = Set.of();
            private long readAt;
            private boolean read;

            /** Asked every channel tick (50 ms): the store is read at most once a second. */
            @Override
            public Set<String> requestable() {
                long now = System.nanoTime();
                if (read && now - readAt < 1_000_000_000L) {
                    return cached;
                }
                Set<String> out = new LinkedHashSet<>();
                try {
                    for (Agreement a : store.agreements()) {
                        if (a.localRole() == Role.REQUESTER && a.enables(CooperationType.SUPPRESSION)) {
                            out.add(a.peerId());
                        }
                    }
                } catch (StoreException ex) {
                    // none this time; read again in a second
                }
                cached = Set.copyOf(out);
                readAt = now;
                read = true;
                return cached;
            }
        };
    }

    /** The agreement's max_drop_percent (0-100), or -1 when it does not enable suppression. */
    static int maxDropPercent(Agreement a) {
        if (!a.enables(CooperationType.SUPPRESSION)) {
            return -1;
        }
        Long v = a.enabled().get(CooperationType.SUPPRESSION).get("max_drop_percent");
        return v == null ? -1 : (int) Math.max(0, Math.min(100, v));
    }
}
