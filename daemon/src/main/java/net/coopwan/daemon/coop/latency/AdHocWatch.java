package net.coopwan.daemon.coop.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import net.coopwan.config.Latency;
import net.coopwan.daemon.steer.ConntrackUdpFlow;
import net.coopwan.daemon.steer.Ipv4Cidr;
import net.coopwan.daemon.steer.LatencyRules;
import net.coopwan.daemon.steer.SteerMarks;

/**
 * The ad hoc rule's loop: about once a second the daemon reads conntrack's UDP connections (the
 * kernel counts their packets and bytes anyway; no packet is copied, queued or delayed), keeps the
 * candidates (from a LAN host, not LC yet), lets {@link AdHocDetector} judge them, and for each
 * upgraded flow puts its 5-tuple in the kernel's {@code adhoc} set (its next packet gets the LC
 * mark) and, with learning on, its (address, port) in {@code learned}. One log line per upgrade.
 * Not thread-safe: one scheduler thread calls {@link #tick}.
 */
public final class AdHocWatch {

    private final LatencyPolicy policy;
    private final LatencyRules rules;
    private final List<Ipv4Cidr> lanNetworks;
    private final AdHocDetector detector;
    private final Consumer<String> log;
    private long unreadable;
    private long skippedLines;

    public AdHocWatch(LatencyPolicy policy, LatencyRules rules, List<Ipv4Cidr> lanNetworks, java.time.Clock clock,
            Consumer<String> log) {
        this.policy = policy;
        this.rules = rules;
        this.lanNetworks = List.copyOf(lanNetworks);
        this.detector = new AdHocDetector(policy.config().adHoc(), clock);
        this.log = log;
    }

    /** One reading; returns the flows upgraded by it. */
    public List<Flow> tick() {
        long[] skipped = new long[1];
        List<ConntrackUdpFlow> all = rules.udpFlows(skipped);
        if (all == null) {
            unreadable++;
            return List.of();
        }
        skippedLines += skipped[0];
        Map<Flow, ConntrackUdpFlow> byFlow = new LinkedHashMap<>();
        for (ConntrackUdpFlow c : candidates(all, lanNetworks)) {
            byFlow.put(flow(c), c);
        }
        List<AdHocDetector.Sample> samples = new ArrayList<>();
        byFlow.forEach((f, c) -> samples.add(new AdHocDetector.Sample(f, c.packetsOriginal(), c.bytesOriginal(),
                c.packetsReply(), c.bytesReply())));
        List<Flow> upgraded = detector.observe(samples);
        if (upgraded.isEmpty()) {
            return upgraded;
        }
        rules.upgrade(upgraded.stream().map(byFlow::get).toList());
        Map<String, Duration> learn = new LinkedHashMap<>();
        for (Flow f : upgraded) {
            policy.upgrade(f);
            if (policy.config().learn()) {
                learn.put(Ipv4Cidr.format(f.destination()) + " . " + f.destinationPort(),
                        Duration.ofSeconds(policy.config().learnLifetimeS()));
            }
            log.accept("lc ad hoc " + f + " UPGRADED: small packets, short gaps, low rate for "
                    + policy.config().adHoc().confirmS() + " s" + (policy.config().learn() ? "; learned " + f.target() : ""));
        }
        rules.learn(learn);
        return upgraded;
    }

    /** UDP connections opened by a host of the LAN networks and not marked LC. */
    static List<ConntrackUdpFlow> candidates(List<ConntrackUdpFlow> flows, List<Ipv4Cidr> lanNetworks) {
        return flows.stream()
                .filter(c -> (c.mark() & SteerMarks.LATENCY_CRITICAL) == 0)
                .filter(c -> lanNetworks.stream().anyMatch(n -> n.contains(c.source())))
                .toList();
    }

    static Flow flow(ConntrackUdpFlow c) {
        return new Flow(Latency.Protocol.UDP, c.source(), c.sourcePort(), c.destination(), c.destinationPort());
    }

    /** Readings that failed (conntrack unreadable). */
    public long unreadable() {
        return unreadable;
    }

    /** Conntrack lines that were not IPv4 UDP or did not parse, summed over readings. */
    public long skippedLines() {
        return skippedLines;
    }

    public AdHocDetector detector() {
        return detector;
    }
}
