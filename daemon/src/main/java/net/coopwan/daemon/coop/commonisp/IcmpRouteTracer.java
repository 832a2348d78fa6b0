package net.coopwan.daemon.coop.commonisp;

import java.io.IOException;
import java.net.Inet4Address;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import net.coopwan.daemon.uplink.failure.ProbeSocket;

/**
 * A traceroute of our own: ICMP echo requests with TTL 1..{@code maxHops}, all sent at once per
 * round through a raw socket bound to the uplink device (and its address), so the trace leaves
 * through this router's own line and never through the neighbour or a tunnel. Each router on the
 * way answers the probe whose TTL ends there with ICMP time exceeded; the target answers with an
 * echo reply. A second round (and so on, {@code rounds} in all) re-sends only the TTLs still
 * unanswered below the target. Bounded: at most {@code rounds x maxHops} probes and {@code rounds x
 * roundTimeout} of waiting per trace. ICMP rather than UDP: an ICMP echo's TTL is set on the raw
 * socket with IP_TTL as for UDP, and echo replies need no closed port at the target. Why all TTLs
 * at once: Linux limits ICMP errors per destination (1/s after a burst of 6), and each hop gets one
 * probe per round, so nothing is rate-limited while the trace takes one round trip, not thirty.
 */
public final class IcmpRouteTracer implements RouteTracer, RttProbe {

    static final int IPPROTO_IP = 0;
    static final int IP_TTL = 2;

    /**
     * @param maxHops      1..{@link Route#MAX_HOPS}
     * @param rounds       1..5
     * @param roundTimeoutMs how long a round waits for answers, 10..5000 ms
     */
    public record Limits(int maxHops, int rounds, long roundTimeoutMs) {
        public Limits {
            if (maxHops < 1 || maxHops > Route.MAX_HOPS || rounds < 1 || rounds > 5 || roundTimeoutMs < 10
                    || roundTimeoutMs > 5000) {
                throw new IllegalArgumentException("hops 1-30, rounds 1-5, round timeout 10-5000 ms");
            }
        }

        /** 30 hops, 3 rounds of 1 s: a trace ends within 3 s. */
        public static Limits defaults() {
            return new Limits(Route.MAX_HOPS, 3, 1000);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final String device;
    private final Inet4Address source;
    private final Limits limits;
    private final Clock clock;

    /**
     * @param device the uplink's device (SO_BINDTODEVICE)
     * @param source the uplink's address (selects its routing table), or null
     */
    public IcmpRouteTracer(String device, Inet4Address source, Limits limits, Clock clock) {
        this.device = device;
        this.source = source;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public Route trace(Inet4Address target) throws IOException {
        int targetBits = ProbeSocket.addressBits(target);
        int id = RANDOM.nextInt(1 << 16);
        byte[] token = new byte[8];
        RANDOM.nextBytes(token);
        int max = limits.maxHops();
        int[] answered = new int[max + 1];
        boolean[] known = new boolean[max + 1];
        int reachedAt = Integer.MAX_VALUE;
        int endAt = Integer.MAX_VALUE; // an unreachable from a hop: the route ends there, unreached
        byte[] out = new byte[TracePackets.PROBE_LENGTH];
        byte[] in = new byte[1500];
        try (ProbeSocket s = open("route trace to ", target)) {
            for (int round = 0; round < limits.rounds(); round++) {
                int last = Math.min(max, Math.min(reachedAt, endAt));
                for (int ttl = 1; ttl <= last; ttl++) {
                    if (!known[ttl] && ttl != reachedAt) {
                        s.setIntOption(IPPROTO_IP, IP_TTL, ttl);
                        s.sendTo(out, TracePackets.probe(out, id, round, ttl, token), target, 0);
                    }
                }
                long deadline = clock.millis() + limits.roundTimeoutMs();
                while (clock.millis() < deadline && !complete(known, Math.min(max, Math.min(reachedAt, endAt)), reachedAt)) {
                    int n = s.receive(in);
                    if (n < 0) {
                        sleep();
                        continue;
                    }
                    TracePackets.Answer a = TracePackets.read(in, n, targetBits, id, token);
                    if (a == null || a.ttl() > max || a.from() == 0) {
                        continue; // not ours: another program's ICMP, a stray, an earlier trace's late answer
                    }
                    if (a.kind() == TracePackets.Kind.ECHO_REPLY) {
                        reachedAt = Math.min(reachedAt, a.ttl());
                    } else {
                        known[a.ttl()] = true;
                        answered[a.ttl()] = a.from();
                        if (a.kind() == TracePackets.Kind.UNREACHABLE) {
                            endAt = Math.min(endAt, a.ttl());
                        }
                    }
                }
                if (complete(known, Math.min(max, Math.min(reachedAt, endAt)), reachedAt)) {
                    break;
                }
            }
        }
        return route(answered, known, reachedAt, endAt, max, targetBits);
    }

    /**
     * One echo to the target with the highest TTL the probes encode (63, more than any route's
     * hops), its RTT, or -1 when no echo reply came within one round's timeout.
     */
    @Override
    public int rttMs(Inet4Address target) throws IOException {
        int targetBits = ProbeSocket.addressBits(target);
        int id = RANDOM.nextInt(1 << 16);
        byte[] token = new byte[8];
        RANDOM.nextBytes(token);
        byte[] out = new byte[TracePackets.PROBE_LENGTH];
        byte[] in = new byte[1500];
        int ttl = TracePackets.TTL_SPAN - 1;
        try (ProbeSocket s = open("RTT probe to ", target)) {
            s.setIntOption(IPPROTO_IP, IP_TTL, ttl);
            // the RTT is a measurement of the real line, so the monotonic clock (the injected one bounds the wait)
            long sent = System.nanoTime();
            s.sendTo(out, TracePackets.probe(out, id, 0, ttl, token), target, 0);
            long deadline = clock.millis() + limits.roundTimeoutMs();
            while (clock.millis() < deadline) {
                int n = s.receive(in);
                if (n < 0) {
                    sleep();
                    continue;
                }
                TracePackets.Answer a = TracePackets.read(in, n, targetBits, id, token);
                if (a != null && a.kind() == TracePackets.Kind.ECHO_REPLY) {
                    return (int) Math.min(65_534, (System.nanoTime() - sent) / 1_000_000);
                }
            }
        }
        return -1;
    }

    /** The raw ICMP socket on the uplink, letting only echo replies, unreachables and time exceeded through. */
    private ProbeSocket open(String what, Inet4Address target) throws IOException {
        ProbeSocket s = ProbeSocket.open(ProbeSocket.SOCK_RAW, ProbeSocket.IPPROTO_ICMP, device, source,
                what + target.getHostAddress() + " on " + device);
        try {
            // bit n set = type n filtered out
            s.setIntOption(ProbeSocket.SOL_RAW, ProbeSocket.ICMP_FILTER, ~((1 << TracePackets.ICMP_ECHO_REPLY)
                    | (1 << TracePackets.ICMP_UNREACHABLE) | (1 << TracePackets.ICMP_TIME_EXCEEDED)));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Every TTL below the target (or the end) answered, and the target found. */
    private static boolean complete(boolean[] known, int last, int reachedAt) {
        if (reachedAt == Integer.MAX_VALUE) {
            return false;
        }
        for (int ttl = 1; ttl < last; ttl++) {
            if (!known[ttl]) {
                return false;
            }
        }
        return true;
    }

    static Route route(int[] answered, boolean[] known, int reachedAt, int endAt, int max, int target) {
        List<Hop> hops = new ArrayList<>();
        if (reachedAt <= max && reachedAt <= endAt) {
            for (int ttl = 1; ttl < reachedAt; ttl++) {
                hops.add(known[ttl] ? Hop.of(answered[ttl]) : Hop.UNKNOWN);
            }
            hops.add(Hop.of(target));
            return new Route(hops, true);
        }
        int last = Math.min(max, endAt);
        while (last >= 1 && !known[last]) {
            last--;
        }
        for (int ttl = 1; ttl <= last; ttl++) {
            hops.add(known[ttl] ? Hop.of(answered[ttl]) : Hop.UNKNOWN);
        }
        return new Route(hops, false);
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("trace interrupted", e);
        }
    }
}
