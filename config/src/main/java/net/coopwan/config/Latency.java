package net.coopwan.config;

import java.util.List;

/**
 * {@code config latency 'latency'} and its {@code config latency_app 'NAME'} sections: which of the
 * household's sessions are latency-critical (LC: a game, a call), seed 001 [0229]-[0249];
 * docs/latency.md. Without the section, {@link #defaults()}; without any {@code latency_app}
 * section, the seed's own example, League of Legends ({@link App#leagueOfLegends()}).
 *
 * @param enabled            classify at all (off: no LC session, so nothing duplicated or suppressed)
 * @param apps               the application types, each once by name, at most 32
 * @param dscpRule           which DSCP values make a packet's session LC ([0233])
 * @param currentMs          D: LC traffic is "current" while the last LC packet is at most D old,
 *                           100-60000 ms ([0248])
 * @param adHoc              the ad hoc rule for unknown applications ([0235]) and its thresholds
 * @param learn              remember (address, port) of upgraded ad hoc sessions so the next session
 *                           to them is LC from its first packet ([0237])
 * @param learnLifetimeS     how long a learned pair lasts without a new session, 60-2592000 s
 * @param duplication        how LC packets are duplicated when a bond through a concentrator exists
 *                           (issue 17 item 2, docs/latency.md section 8)
 * @param commonIsp          common-ISP detection and its gating ([0179]-[0180]; docs/latency.md)
 */
public record Latency(boolean enabled, List<App> apps, DscpRule dscpRule, int currentMs, AdHoc adHoc,
                      boolean learn, long learnLifetimeS, Duplication duplication, CommonIsp commonIsp) {

    public static final int MIN_TIMEOUT_MS = 100;
    public static final int MAX_TIMEOUT_MS = 60_000;
    public static final long MIN_LEARN_S = 60;
    public static final long MAX_LEARN_S = 30L * 86_400;
    public static final int MAX_APPS = 32;

    public Latency {
        apps = List.copyOf(apps);
        if (currentMs < MIN_TIMEOUT_MS || currentMs > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("D is 100-60000 ms, got " + currentMs);
        }
        if (learnLifetimeS < MIN_LEARN_S || learnLifetimeS > MAX_LEARN_S) {
            throw new IllegalArgumentException("learn lifetime is " + MIN_LEARN_S + "-" + MAX_LEARN_S + " s, got " + learnLifetimeS);
        }
        if (duplication == null) {
            throw new IllegalArgumentException("duplication is null");
        }
        java.util.Objects.requireNonNull(commonIsp, "commonIsp");
    }

    /** Classification only: duplication's and common-ISP detection's defaults (a configuration before them). */
    public Latency(boolean enabled, List<App> apps, DscpRule dscpRule, int currentMs, AdHoc adHoc, boolean learn,
            long learnLifetimeS) {
        this(enabled, apps, dscpRule, currentMs, adHoc, learn, learnLifetimeS, Duplication.defaults(), CommonIsp.defaults());
    }

    /** On, League of Legends, rule (b), D = 1 s, the ad hoc rule's defaults, learning for a week. */
    public static Latency defaults() {
        return new Latency(true, List.of(App.leagueOfLegends()), DscpRule.B, 1000, AdHoc.defaults(), true, 7L * 86_400);
    }

    /** [0233]'s two alternatives, or none (DSCP ignored). */
    public enum DscpRule {
        /** (a) anything but DF/CS0 (0) and CS1 (8). */
        A("a"),
        /** (b) CS3 (24), CS4 (32), CS5 (40) and EF (46). */
        B("b"),
        /** DSCP classifies nothing (a LAN whose devices mark everything, say). */
        NONE("none");

        private final String uciName;

        DscpRule(String uciName) {
            this.uciName = uciName;
        }

        public String uciName() {
            return uciName;
        }
    }

    /** A transport protocol an application type names. */
    public enum Protocol {
        UDP, TCP;

        public String uciName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An inclusive port range, {@code from == to} for one port. */
    public record PortRange(int from, int to) {
        public PortRange {
            if (from < 1 || to > 65535 || from > to) {
                throw new IllegalArgumentException("a port range is 1-65535, from <= to: " + from + "-" + to);
            }
        }

        public boolean contains(int port) {
            return port >= from && port <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    /**
     * One application type ([0241]): its sessions are LC when they match protocol and a port range
     * and, if destinations are listed, one of them.
     *
     * @param name               section name, 1-32 of A-Z a-z 0-9 _
     * @param enabled            classify by this type
     * @param protocol           udp or tcp
     * @param ports              remote (destination) port ranges, 1-16; none: any port of a listed destination
     * @param destinations       IPv4 networks (CIDR, host bits zero), at most 64; none: any destination
     * @param idleTimeoutMs      a session ends after this long without a packet, 100-60000 ms ([0243])
     * @param expectedIntervalMs the application's usual gap between packets, 1-1000 ms ([0241], [0289]:
     *                           the seed's "expected packet rate" stored as an interval)
     */
    public record App(String name, boolean enabled, Protocol protocol, List<PortRange> ports, List<String> destinations,
                      int idleTimeoutMs, int expectedIntervalMs) {
        public App {
            ports = List.copyOf(ports);
            destinations = List.copyOf(destinations);
            if (ports.isEmpty() && destinations.isEmpty()) {
                throw new IllegalArgumentException("application type " + name + " needs ports or destinations");
            }
            if (idleTimeoutMs < MIN_TIMEOUT_MS || idleTimeoutMs > MAX_TIMEOUT_MS) {
                throw new IllegalArgumentException("idle timeout is 100-60000 ms, got " + idleTimeoutMs);
            }
            if (expectedIntervalMs < 1 || expectedIntervalMs > 1000) {
                throw new IllegalArgumentException("expected interval is 1-1000 ms, got " + expectedIntervalMs);
            }
        }

        /** [0230], [0289]: UDP 5000-5500, a packet every 20 ms; idle 5 s (our choice, docs/latency.md). */
        public static App leagueOfLegends() {
            return new App("lol", true, Protocol.UDP, List.of(new PortRange(5000, 5500)), List.of(), 5000, 20);
        }
    }

    /**
     * The ad hoc rule ([0235]) for UDP sessions of unknown applications, judged from the kernel's
     * per-connection counters once a second (docs/latency.md): a session is upgraded to LC once, for
     * {@code confirmS} seconds in a row, its packets averaged at most {@code maxPacketBytes}, its mean
     * gap at most {@code maxGapMs} and its rate at most {@code maxKbps}.
     *
     * @param enabled        use the rule
     * @param maxPacketBytes 64-1500 (IP bytes)
     * @param maxGapMs       100 or 200 (the seed's two values)
     * @param maxKbps        100 or 200 (the seed's two values), both directions each
     * @param confirmS       1-60 s in a row
     * @param timeoutMs      an ad hoc session ends after this long without a packet, 100-60000 ms
     */
    public record AdHoc(boolean enabled, int maxPacketBytes, int maxGapMs, int maxKbps, int confirmS, int timeoutMs) {
        public AdHoc {
            if (maxPacketBytes < 64 || maxPacketBytes > 1500) {
                throw new IllegalArgumentException("max packet size is 64-1500 bytes, got " + maxPacketBytes);
            }
            if (maxGapMs != 100 && maxGapMs != 200) {
                throw new IllegalArgumentException("max gap is 100 or 200 ms, got " + maxGapMs);
            }
            if (maxKbps != 100 && maxKbps != 200) {
                throw new IllegalArgumentException("max rate is 100 or 200 kbit/s, got " + maxKbps);
            }
            if (confirmS < 1 || confirmS > 60) {
                throw new IllegalArgumentException("confirm is 1-60 s, got " + confirmS);
            }
            if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
                throw new IllegalArgumentException("ad hoc timeout is 100-60000 ms, got " + timeoutMs);
            }
        }

        /** On; 300 bytes, 100 ms, 200 kbit/s, 3 s in a row, 5 s idle ("several seconds"). */
        public static AdHoc defaults() {
            return new AdHoc(true, 300, 100, 200, 3, 5000);
        }
    }

    /**
     * Duplication of LC packets through the bond ([0251], [0289], [0252]; the notes' section 6).
     *
     * @param ownCopies       copies of each LC packet on each of the router's own uplinks in the bond, 1-8
     * @param neighbourCopies copies on the bond's member through the neighbour, 0-8 (0: the neighbour
     *                        carries none even with an agreement)
     * @param tauMs           the interval copies are spread over ([0289]), 1-1000 ms; 0: the session's
     *                        application type's {@code interval_ms}; for sessions of no type (DSCP,
     *                        learned, ad hoc) the mean of their first gaps, {@link #DEFAULT_TAU_MS}
     *                        until measured
     * @param raic5           split into A, B and A^B instead of whole copies, where there are three
     *                        or more paths ([0252]; with two it is never used)
     */
    public record Duplication(int ownCopies, int neighbourCopies, int tauMs, boolean raic5) {
        public static final int MAX_COPIES = 8;
        /** The seed's example interval ([0289]: 50 packets a second). */
        public static final int DEFAULT_TAU_MS = 20;

        public Duplication {
            if (ownCopies < 1 || ownCopies > MAX_COPIES) {
                throw new IllegalArgumentException("own copies are 1-" + MAX_COPIES + ", got " + ownCopies);
            }
            if (neighbourCopies < 0 || neighbourCopies > MAX_COPIES) {
                throw new IllegalArgumentException("neighbour copies are 0-" + MAX_COPIES + ", got " + neighbourCopies);
            }
            if (tauMs < 0 || tauMs > 1000) {
                throw new IllegalArgumentException("tau is 0-1000 ms, got " + tauMs);
            }
        }

        /** The notes' example: own 3, neighbour 2, tau from the application type, whole copies. */
        public static Duplication defaults() {
            return new Duplication(3, 2, 0, false);
        }
    }

    /**
     * Common-ISP detection ([0179]-[0180]; docs/latency.md, docs/PROTOCOL.md 3.15): each router traces
     * its route to a common target and the two compare them.
     *
     * @param gate     apply the verdict: SAME stops LC copies through that neighbour, DIFFERENT stops
     *                 suppression requests to it; off: the verdict is only shown
     * @param target   the IPv4 address traced; empty: the concentrator of the first bond when that is an
     *                 IPv4 literal, else none (then the neighbour's target, if it names one)
     * @param refreshS how often the route is traced again, 60-86400 s
     */
    public record CommonIsp(boolean gate, String target, int refreshS) {
        public static final int MIN_REFRESH_S = 60;
        public static final int MAX_REFRESH_S = 86_400;

        public CommonIsp {
            java.util.Objects.requireNonNull(target, "target");
            if (refreshS < MIN_REFRESH_S || refreshS > MAX_REFRESH_S) {
                throw new IllegalArgumentException("refresh is 60-86400 s, got " + refreshS);
            }
        }

        /** Gate on, the concentrator as target, traced every 30 minutes. */
        public static CommonIsp defaults() {
            return new CommonIsp(true, "", 1800);
        }
    }
}
