package net.coopwan.daemon.main;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.latency.AdHocWatch;
import net.coopwan.daemon.coop.latency.LatencyPolicy;
import net.coopwan.daemon.steer.CommandRunner;
import net.coopwan.daemon.steer.LatencyRules;
import net.coopwan.daemon.steer.SteerException;

/**
 * Latency-critical classification (docs/latency.md) built from {@code config latency}: the table
 * {@code inet coopwan_lc} for the failover section's LAN devices, and with the ad hoc rule on, its
 * reading of conntrack once a second on a thread of its own. What a killed earlier run left is
 * removed first; {@link #close} removes the table. Not called by {@link Daemon} yet: the lead wires
 * it beside the emergency service (peer link on), so a router with nothing configured still runs
 * no {@code nft}.
 */
final class LatencyWiring implements AutoCloseable {

    static final long READ_PERIOD_MS = 1000;

    private final LatencyRules rules;
    private final LatencyPolicy policy;
    private final AdHocWatch watch;
    private final ScheduledExecutorService reader;
    private final Consumer<String> log;

    private LatencyWiring(LatencyRules rules, LatencyPolicy policy, AdHocWatch watch, ScheduledExecutorService reader,
            Consumer<String> log) {
        this.rules = rules;
        this.policy = policy;
        this.watch = watch;
        this.reader = reader;
        this.log = log;
    }

    /**
     * Starts classification; with {@code schedule} false the ad hoc reading runs only when {@link
     * #tick} is called (tests).
     */
    static LatencyWiring start(CoopwanConfig c, CommandRunner runner, Clock clock, boolean schedule, Consumer<String> log) {
        Latency l = c.latency();
        LatencyRules rules = new LatencyRules(runner);
        rules.removeAll(); // a killed run's table and its sets
        LatencyPolicy policy = new LatencyPolicy(l, clock);
        if (!l.enabled()) {
            log.accept("latency classification off (config latency enabled 0)");
            return new LatencyWiring(rules, policy, null, null, log);
        }
        List<String> lans = c.emergency().lanDevices();
        rules.apply(policy.plan(lans));
        AdHocWatch watch = null;
        ScheduledExecutorService reader = null;
        if (l.adHoc().enabled()) {
            try {
                rules.account();
            } catch (SteerException e) {
                log.accept("latency: conntrack accounting not turned on, the ad hoc rule sees no counters: " + e.getMessage());
            }
            watch = new AdHocWatch(policy, rules, rules.networks(lans), clock, log);
            if (schedule) {
                reader = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "latency-adhoc");
                    t.setDaemon(true);
                    return t;
                });
            }
        }
        LatencyWiring w = new LatencyWiring(rules, policy, watch, reader, log);
        if (reader != null) {
            reader.scheduleWithFixedDelay(w::tick, READ_PERIOD_MS, READ_PERIOD_MS, TimeUnit.MILLISECONDS);
        }
        log.accept("latency classification on: " + l.apps().size() + " application type(s), DSCP rule "
                + l.dscpRule().uciName() + ", ad hoc " + (watch != null ? "on" : "off") + ", LAN " + lans);
        return w;
    }

    /** One ad hoc reading; a failure is logged, never thrown (the next reading tries again). */
    void tick() {
        if (watch == null) {
            return;
        }
        try {
            watch.tick();
        } catch (RuntimeException e) {
            log.accept("latency: ad hoc reading failed: " + e.getMessage());
        }
    }

    LatencyPolicy policy() {
        return policy;
    }

    AdHocWatch watch() {
        return watch;
    }

    /** Stops the reading and removes the table. */
    @Override
    public void close() {
        if (reader != null) {
            reader.shutdownNow();
            try {
                reader.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            rules.removeAll();
        } catch (SteerException e) {
            log.accept("latency: table not removed: " + e.getMessage());
        }
    }
}
