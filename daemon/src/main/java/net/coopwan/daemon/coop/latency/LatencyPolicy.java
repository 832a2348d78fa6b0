package net.coopwan.daemon.coop.latency;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import net.coopwan.config.Latency;
import net.coopwan.daemon.steer.LatencyPlan;

/**
 * The classification of [0229]-[0237] as the configuration asks for it: application types first
 * (their name and idle timeout are the most specific), then learned destinations, then DSCP; the
 * ad hoc rule upgrades a running session ({@link #upgrade}) and teaches its destination. The
 * same decisions, in the kernel, are {@link #plan}'s table; this class answers for the daemon
 * (tests, the status pages) and holds what the kernel cannot derive (learning).
 */
public final class LatencyPolicy {

    private final Latency config;
    private final List<AppType> apps;
    private final LearnedDestinations learned;

    public LatencyPolicy(Latency config, Clock clock) {
        this.config = config;
        this.apps = config.apps().stream().map(AppType::of).toList();
        this.learned = new LearnedDestinations(Duration.ofSeconds(config.learnLifetimeS()), clock);
    }

    /**
     * The verdict on a session's first packet (or any packet of one not LC yet): empty when no
     * rule makes it LC, or classification is off.
     *
     * @param dscp the packet's DSCP, 0-63
     */
    public Optional<Classification> classify(Flow f, int dscp) {
        return classify(f, dscp, learned::contains);
    }

    /**
     * As {@link #classify(Flow, int)} with the learned pairs as {@code learnedNow} says: another
     * thread (the bond's sender) asks with a published copy, since {@link LearnedDestinations} has
     * one owner.
     */
    public Optional<Classification> classify(Flow f, int dscp, java.util.function.Predicate<Flow.Destination> learnedNow) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        for (AppType a : apps) {
            if (a.matches(f)) {
                return Optional.of(new Classification(Origin.APP, a.name(), Duration.ofMillis(a.app().idleTimeoutMs())));
            }
        }
        if (config.learn() && f.protocol() == Latency.Protocol.UDP && learnedNow.test(f.target())) {
            return Optional.of(new Classification(Origin.LEARNED, "learned", adHocTimeout()));
        }
        if (Dscp.latencyCritical(config.dscpRule(), dscp)) {
            return Optional.of(new Classification(Origin.DSCP, config.dscpRule().uciName(), adHocTimeout()));
        }
        return Optional.empty();
    }

    /**
     * The ad hoc rule upgraded {@code f} mid-session: its classification, and (with learning on)
     * its destination is learned so the next session to it is LC from its first packet.
     */
    public Classification upgrade(Flow f) {
        if (config.learn()) {
            learned.learn(f.target());
        }
        return adHoc();
    }

    /** The kernel's table for these LAN devices: what {@code steer.LatencyRules} renders. */
    public LatencyPlan plan(List<String> lanDevices) {
        List<LatencyPlan.AppMatch> matches = apps.stream().filter(a -> a.app().enabled())
                .map(a -> new LatencyPlan.AppMatch(a.name(), a.app().protocol() == Latency.Protocol.TCP
                        ? LatencyPlan.Transport.TCP : LatencyPlan.Transport.UDP,
                        a.app().ports().stream().map(r -> new LatencyPlan.Ports(r.from(), r.to())).toList(),
                        a.app().destinations()))
                .toList();
        return new LatencyPlan(lanDevices, matches, Dscp.codepoints(config.dscpRule()),
                config.learn() ? Duration.ofSeconds(config.learnLifetimeS()) : Duration.ZERO);
    }

    public LearnedDestinations learned() {
        return learned;
    }

    public Latency config() {
        return config;
    }

    /** The ad hoc rule's classification of a flow it upgraded (no learning: {@link #upgrade} did that). */
    public Classification adHoc() {
        return new Classification(Origin.AD_HOC, "adhoc", adHocTimeout());
    }

    private Duration adHocTimeout() {
        return Duration.ofMillis(config.adHoc().timeoutMs());
    }
}
