package net.coopwan.daemon.main;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Latency;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.coop.channel.ChannelHeader;
import net.coopwan.daemon.coop.channel.ChannelService;
import net.coopwan.daemon.coop.commonisp.CommonIspGate;
import net.coopwan.daemon.coop.commonisp.CommonIspService;
import net.coopwan.daemon.coop.commonisp.Hop;
import net.coopwan.daemon.coop.commonisp.IcmpRouteTracer;

/**
 * Builds common-ISP detection on the channel (kind COMMON_ISP; docs/PROTOCOL.md 3.15) from {@code
 * config latency}'s {@code gate_on_isp}, {@code isp_target}, {@code isp_refresh_s}: the trace leaves
 * through the router's own uplink (the failover section's watched one, else the first enabled), on
 * a thread of its own so the channel never waits for it. Its gate goes to suppression here and is
 * offered to duplication through {@link Running#gate()}.
 */
final class CommonIspWiring {

    private CommonIspWiring() {
    }

    /** The running service and its tracing thread; {@link #close} stops the thread (no kernel state to remove). */
    record Running(CommonIspService service, ExecutorService traces) implements AutoCloseable {
        /** What duplication consults per neighbour (LC copies through it or not). */
        CommonIspGate gate() {
            return service;
        }

        @Override
        public void close() {
            traces.shutdownNow();
            try {
                traces.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The service registered on {@code channel}; null without an uplink to trace from. */
    static Running start(CoopwanConfig c, ChannelService channel, Consumer<String> log) {
        Optional<Uplink> uplink = EmergencyWiring.uplink(c).or(() -> c.uplinks().stream().filter(Uplink::enabled).findFirst());
        if (uplink.isEmpty()) {
            return null;
        }
        ExecutorService traces = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "common-isp-trace");
            t.setDaemon(true);
            return t;
        });
        IcmpRouteTracer tracer = new IcmpRouteTracer(uplink.get().device(), null, IcmpRouteTracer.Limits.defaults(),
                Clock.systemUTC());
        CommonIspService.Settings s = settings(c);
        CommonIspService service = new CommonIspService(s, tracer, tracer, traces, Clock.systemUTC(), channel::peerIds,
                new SecureRandom().nextLong(), log);
        channel.messages(ChannelHeader.Kind.COMMON_ISP, service);
        log.accept("common-isp: on, target " + (s.target() == 0 ? "none (the neighbour's, if it names one)"
                : Hop.of(s.target()).toString()) + ", traced out of " + uplink.get().device() + " every "
                + c.latency().commonIsp().refreshS() + " s, gate " + (s.gate() ? "on" : "off"));
        return new Running(service, traces);
    }

    /** gate_on_isp, the target (isp_target, else the first bond's concentrator if an IPv4 literal), the refresh. */
    static CommonIspService.Settings settings(CoopwanConfig c) {
        Latency.CommonIsp ci = c.latency().commonIsp();
        String target = ci.target();
        if (target.isEmpty() && !c.bonds().isEmpty()) {
            String host = c.bonds().get(0).tunnel().concentratorHost();
            target = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") ? host : "";
        }
        return new CommonIspService.Settings(ci.gate(), target.isEmpty() ? 0 : Hop.parse(target).address(),
                ci.refreshS() * 1000L);
    }
}
