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
import net.coopwan.daemon.coop.latency.LcSessions;
import net.coopwan.daemon.steer.CommandRunner;
import net.coopwan.daemon.steer.LatencyRules;
import net.coopwan.daemon.steer.SteerException;

/**
 * Latency-critical classification (docs/latency.md) built from {@code config latency}: the table
 * {@code inet coopwan_lc} for the failover section's LAN devices, and once a second on a thread of
 * its own: the table's LC packet count (LC traffic is current while it grows, within D plus one
 * reading) and, with the ad hoc rule on, its reading of conntrack. What a killed earlier run left is
 * removed first; {@link #close} removes the table. {@link Daemon} starts it beside the emergency
 * service (peer link on), so a router with nothing configured still runs no {@code nft}. Each
 * reading also ticks duplication ({@link DuplicationWiring}), which is closed with this.
 */
final class LatencyWiring implements AutoCloseable {

    static final long READ_PERIOD_MS = 1000;
    /**
     * How often the LC packet count alone is read (through one long-lived {@code nft -j -i}, no
     * process per reading): suppression waits for LC traffic to be current before it looks at the
     * line, and at once a second a game that began beside a download met the ISP's full queue for
     * a second or more (the latency benchmark, suppression only: the worst round trips of the
     * game's first two seconds 30-58 ms, of the rest 5-12 ms).
     */
    static final long FAST_READ_PERIOD_MS = 100;

    private final LatencyRules rules;
    private final LatencyPolicy policy;
    private final AdHocWatch watch;
    private final ScheduledExecutorService reader;
    private final LcSessions sessions;
    private final Consumer<String> log;
    // the reader thread's: the LC packet count last seen, by either reading
    private long lcPackets;
    /** The fast reading's nft conversation (null without a reader thread). */
    private final net.coopwan.daemon.steer.NftSession lcSession;
    private LatencyRules.Counters counters;
    /**
     * What the last reading saw, for the API: published by the reading thread, so a front-end's
     * request never runs {@code nft} nor touches the reader's unsynchronised state.
     */
    private volatile net.coopwan.daemon.api.LatencyStatus.Classification snapshot =
            net.coopwan.daemon.api.LatencyStatus.Classification.OFF;

    private LatencyWiring(LatencyRules rules, LatencyPolicy policy, AdHocWatch watch, ScheduledExecutorService reader,
            Clock clock, Consumer<String> log) {
        this.rules = rules;
        this.policy = policy;
        this.watch = watch;
        this.reader = reader;
        this.sessions = new LcSessions(java.time.Duration.ofMillis(policy.config().currentMs()), clock, log);
        this.log = log;
        this.lcSession = reader == null ? null : new net.coopwan.daemon.steer.InteractiveNft();
        publish();
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
            return new LatencyWiring(rules, policy, null, null, clock, log);
        }
        List<String> lans = c.emergency().lanDevices();
        rules.apply(policy.plan(lans));
        AdHocWatch watch = null;
        ScheduledExecutorService reader = schedule ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latency-reader");
            t.setDaemon(true);
            return t;
        }) : null;
        if (l.adHoc().enabled()) {
            try {
                rules.account();
            } catch (SteerException e) {
                log.accept("latency: conntrack accounting not turned on, the ad hoc rule sees no counters: " + e.getMessage());
            }
            watch = new AdHocWatch(policy, rules, rules.networks(lans), clock, log);
        }
        LatencyWiring w = new LatencyWiring(rules, policy, watch, reader, clock, log);
        if (reader != null) {
            reader.scheduleWithFixedDelay(w::tick, READ_PERIOD_MS, READ_PERIOD_MS, TimeUnit.MILLISECONDS);
            reader.scheduleWithFixedDelay(w::fastTick, FAST_READ_PERIOD_MS, FAST_READ_PERIOD_MS, TimeUnit.MILLISECONDS);
        }
        log.accept("latency classification on: " + l.apps().size() + " application type(s), DSCP rule "
                + l.dscpRule().uciName() + ", ad hoc " + (watch != null ? "on" : "off") + ", LAN " + lans);
        return w;
    }

    /** Told at each reading that saw new LC packets (suppression's gate: LC traffic is current). */
    private volatile Runnable onTraffic = () -> { };

    /** {@code r} runs on the reading thread each time the kernel counted new LC packets. */
    void onTraffic(Runnable r) {
        onTraffic = r;
    }

    /** Runs on the reading thread after each reading (suppression's kernel counters for the status). */
    private volatile Runnable afterReading = () -> { };

    void afterReading(Runnable r) {
        afterReading = r;
    }

    /** One reading of the LC packet count and the ad hoc rule; a failure is logged, never thrown (the next one tries again). */
    void tick() {
        if (!policy.config().enabled()) {
            return;
        }
        try {
            LatencyRules.Counters c = rules.counters();
            if (c != null) {
                counters = c;
            }
            if (c != null) {
                seen(c.packets());
            }
        } catch (RuntimeException e) {
            log.accept("latency: counters not read: " + e.getMessage());
        }
        List<net.coopwan.daemon.coop.latency.Flow> upgraded = List.of();
        if (watch != null) {
            try {
                upgraded = watch.tick();
            } catch (RuntimeException e) {
                log.accept("latency: ad hoc reading failed: " + e.getMessage());
            }
        }
        DuplicationWiring d = duplication;
        if (d != null) {
            try {
                d.tick(upgraded);
            } catch (RuntimeException e) {
                log.accept("lc duplication: not updated: " + e.getMessage());
            }
        }
        afterReading.run();
        publish();
    }

    /** The LC packet count is {@code packets}: LC traffic flows when it grew (the reader thread's). */
    private void seen(long packets) {
        if (packets >= 0 && packets != lcPackets) {
            lcPackets = packets;
            sessions.trafficSeen();
            onTraffic.run();
        }
    }

    /**
     * The LC packet count alone, every {@link #FAST_READ_PERIOD_MS}, on the reader thread; a failure
     * is quiet (the nft conversation starts again at the next one, and the reading once a second
     * still reports, and logs).
     */
    void fastTick() {
        if (!policy.config().enabled() || lcSession == null) {
            return;
        }
        try {
            seen(LatencyRules.packetsOfJson(lcSession.list(LatencyRules.LIST_COUNTERS_COMMAND, java.time.Duration.ofSeconds(1))));
        } catch (RuntimeException e) {
            // the once-a-second reading reports
        }
    }

    /** Duplication through the bond, ticked after each reading (same thread); closed with this. */
    private volatile DuplicationWiring duplication;

    void duplication(DuplicationWiring d) {
        duplication = d;
    }

    /** Duplication as of its last tick; never blocks. */
    net.coopwan.daemon.api.LatencyStatus.Duplication duplicationStatus() {
        DuplicationWiring d = duplication;
        return d == null ? new net.coopwan.daemon.api.LatencyStatus.Duplication(false, "not started") : d.status();
    }

    /** Builds the API's view from this thread's state (called by the reading, and once at start). */
    private void publish() {
        Latency l = policy.config();
        if (!l.enabled()) {
            snapshot = net.coopwan.daemon.api.LatencyStatus.Classification.OFF;
            return;
        }
        LatencyRules.Counters c = counters != null ? counters : new LatencyRules.Counters(java.util.Map.of(), 0, 0, 0, 0);
        snapshot = new net.coopwan.daemon.api.LatencyStatus.Classification(true, l.dscpRule().uciName(),
                sessions.currentTraffic(), c.packets(), c.byApp(), c.byDscp(), c.byLearned(), c.byAdHoc(),
                watch == null ? 0 : watch.detector().followed(), watch == null ? 0 : watch.detector().ignored(),
                watch == null ? 0 : watch.unreadable(), watch == null ? 0 : watch.skippedLines(),
                policy.learned().size(), sessions.sessions().size());
    }

    /** The classification as of the last reading; never blocks. */
    net.coopwan.daemon.api.LatencyStatus.Classification status() {
        return snapshot;
    }

    /** [0248]: an LC packet within D (plus one reading period, the kernel's counter is read once a second). */
    boolean currentTraffic() {
        return sessions.currentTraffic();
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
        if (lcSession != null) {
            lcSession.close();
        }
        DuplicationWiring d = duplication;
        if (d != null) {
            d.close();
        }
        try {
            rules.removeAll();
        } catch (SteerException e) {
            log.accept("latency: table not removed: " + e.getMessage());
        }
    }
}
