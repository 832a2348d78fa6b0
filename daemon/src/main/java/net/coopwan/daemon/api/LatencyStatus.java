package net.coopwan.daemon.api;

import java.util.Map;
import java.util.Objects;

/**
 * Latency-critical traffic (issue 17, docs/latency.md; docs/management.md "Latency"): how LC
 * sessions are classified and what was classified, whether other traffic is held back for them
 * and by whom, and whether LC packets are duplicated. Classification figures are the kernel's
 * counters as read by the daemon's last reading (once a second), never estimates.
 *
 * @param classification the table {@code inet coopwan_lc} and the ad hoc rule
 * @param suppression    holding other traffic back while LC traffic is current
 * @param duplication    copies of LC packets over both households' uplinks
 * @param commonIsp      how common each neighbour's ISP is, and what that gates ([0179]-[0180])
 */
public record LatencyStatus(Classification classification, Suppression suppression, Duplication duplication,
                            CommonIsp commonIsp) {

    public LatencyStatus {
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(suppression, "suppression");
        Objects.requireNonNull(duplication, "duplication");
        Objects.requireNonNull(commonIsp, "commonIsp");
    }

    /** Without common-ISP detection running. */
    public LatencyStatus(Classification classification, Suppression suppression, Duplication duplication) {
        this(classification, suppression, duplication, CommonIsp.OFF);
    }

    /**
     * Was the reason of every daemon before duplication was wired; kept for the front-ends' tests
     * that still build a status with it. No daemon reports it any more.
     */
    public static final String DUPLICATION_NOT_WIRED = "not wired yet";

    /** No latency features running (the peer link is off). */
    public static LatencyStatus off() {
        return new LatencyStatus(Classification.OFF, Suppression.OFF, new Duplication(false, "peer link off"));
    }

    /**
     * Classification.
     *
     * @param enabled           {@code config latency}'s {@code enabled} and its table is in the kernel
     * @param dscpRule          {@code a} or {@code b} ([0233]); empty when off
     * @param lcTrafficCurrent  an LC packet within D at the last reading ([0248])
     * @param lcPackets         LC packets the kernel counted since the table was made
     * @param connectionsByApp  connections classified per configured application type
     * @param byDscp            connections classified by their DSCP value
     * @param byLearned         connections classified by a learned (address, port) pair ([0237])
     * @param byAdHoc           connections upgraded by the ad hoc rule
     * @param adHocFollowed     UDP connections the ad hoc rule follows now
     * @param adHocIgnored      connections it stopped following or never followed (its table full)
     * @param adHocUnreadable   readings of conntrack that failed
     * @param adHocSkippedLines conntrack lines that were not IPv4 UDP or did not parse
     * @param learnedPairs      learned (address, port) pairs held now
     * @param lcSessions        LC sessions the daemon sees now (0 until LC packets enter the daemon)
     */
    public record Classification(boolean enabled, String dscpRule, boolean lcTrafficCurrent, long lcPackets,
                                 Map<String, Long> connectionsByApp, long byDscp, long byLearned, long byAdHoc,
                                 long adHocFollowed, long adHocIgnored, long adHocUnreadable, long adHocSkippedLines,
                                 int learnedPairs, int lcSessions) {
        public static final Classification OFF = new Classification(false, "", false, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public Classification {
            Objects.requireNonNull(dscpRule, "dscpRule");
            connectionsByApp = Map.copyOf(connectionsByApp);
        }

        /** Connections classified, every rule. */
        public long connections() {
            return connectionsByApp.values().stream().mapToLong(Long::longValue).sum() + byDscp + byLearned + byAdHoc;
        }
    }

    /**
     * Suppression of other traffic.
     *
     * @param enabled         the service runs (peer link on and an uplink to hold back)
     * @param state           IDLE, WATCHING or ENFORCING; OFF when not running
     * @param reason          why the policy is in that state (its last change)
     * @param enforcedPercent the drop ceiling enforced in this router's kernel now, -1 none
     * @param demands         who demands suppression here (own side and neighbours) and their ceiling
     * @param counters        refusals and drops by reason
     * @param dropped         other traffic's packets the kernel dropped (both directions) since this
     *                        router's enforcement last began ({@code inet coopwan_supp}'s counters,
     *                        as of the last once-a-second reading); 0 while nothing is enforced
     * @param ecnMarked       other traffic's ECN-capable packets marked CE instead, counted as {@code dropped}
     */
    public record Suppression(boolean enabled, String state, String reason, int enforcedPercent,
                              Map<String, Integer> demands, Map<String, Long> counters, long dropped, long ecnMarked) {
        public static final Suppression OFF = new Suppression(false, "OFF", "", -1, Map.of(), Map.of());

        public Suppression {
            Objects.requireNonNull(state, "state");
            reason = reason == null ? "" : reason;
            demands = Map.copyOf(demands);
            counters = Map.copyOf(counters);
        }

        /** Without the kernel's drop and mark counts (none read). */
        public Suppression(boolean enabled, String state, String reason, int enforcedPercent, Map<String, Integer> demands,
                           Map<String, Long> counters) {
            this(enabled, state, reason, enforcedPercent, demands, counters, 0, 0);
        }
    }

    /**
     * Duplication of LC packets (docs/latency.md section 8). The counters are the data path's own
     * (the bond's at a router, every client's summed at a concentrator), since duplication last
     * turned on; 0 while off.
     *
     * @param on                    LC packets are duplicated now
     * @param reason                why not (or how, when on)
     * @param neighbour             the neighbour whose agreement enables duplication, "" none
     * @param neighbourPathInUse    the bond's member through the neighbour is in the bond now (it
     *                              carries copies only then: an emergency's or a sharer's use)
     * @param routedConnections     LC connections the kernel routed into the bond since it began
     *                              ({@code inet coopwan_lcroute}), -1 unknown
     * @param lcSessions            LC sessions the bond's classifier started
     * @param lcPackets             LC packets this side sent as copies
     * @param copiesSent            copies it sent, every path
     * @param delivered             LC packets it received and delivered (the first copy of each)
     * @param duplicatesDropped     copies it received and dropped as duplicates
     * @param withheldFromNeighbour packets of upgraded ad hoc sessions kept off the neighbour's path
     * @param overNeighbourCap      packets kept off the neighbour's path by the agreement's
     *                              {@code bandwidth_kbps} (their copies went over the own members only)
     */
    public record Duplication(boolean on, String reason, String neighbour, boolean neighbourPathInUse,
                              long routedConnections, long lcSessions, long lcPackets, long copiesSent, long delivered,
                              long duplicatesDropped, long withheldFromNeighbour, long overNeighbourCap) {
        public Duplication {
            Objects.requireNonNull(reason, "reason");
            neighbour = neighbour == null ? "" : neighbour;
        }

        /** Off (or on) with no counters. */
        public Duplication(boolean on, String reason) {
            this(on, reason, "", false, -1, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /**
     * Common-ISP detection (docs/latency.md): the same figures on both neighbours' pages, since
     * each compares the same two routes.
     *
     * @param enabled    the detection runs (peer link on, an uplink to trace from)
     * @param gate       {@code gate_on_isp}: the verdicts are applied; off: only shown
     * @param target     this router's configured common target, empty when none
     * @param neighbours one entry per paired neighbour
     * @param counters   malformed and repeated reports
     */
    public record CommonIsp(boolean enabled, boolean gate, String target, java.util.List<IspNeighbour> neighbours,
                            Map<String, Long> counters) {
        public static final CommonIsp OFF = new CommonIsp(false, false, "", java.util.List.of(), Map.of());

        public CommonIsp {
            Objects.requireNonNull(target, "target");
            neighbours = java.util.List.copyOf(neighbours);
            counters = Map.copyOf(counters);
        }
    }

    /**
     * One neighbour's verdict.
     *
     * @param peerId              the neighbour
     * @param verdict             SAME, DIFFERENT or UNKNOWN
     * @param reason              the comparison, or what is missing
     * @param commonSuffix        hops shared from the target backwards
     * @param ratio               commonSuffix / the longer route's hops, 0..1
     * @param target              the pair's common target (the smaller of both routers' targets)
     * @param ownRoute            this router's route, e.g. {@code [198.18.1.1 * 198.18.250.1 198.19.0.1]}
     * @param peerRoute           the neighbour's route as it reported it
     * @param ownMeasuredAt       when this router's trace ended, null never
     * @param peerMeasuredAt      when the neighbour's trace ended (on this router's clock), null never
     * @param duplicationVia      LC copies may go through this neighbour (the gate as applied)
     * @param suppressionRequests this neighbour may be asked to suppress (the gate as applied)
     * @param rttCorrelation      Pearson r of both routers' RTT to the target over the last 10 minutes
     *                            (method 2, shown only), null without 20 pairs of samples that vary
     * @param rttCorrelated       r at or above the cut-off (0.7, docs/PROTOCOL.md 3.15); false without a figure
     * @param rttSamples          our RTT samples held and the neighbour's last reported, e.g. 60 and 58
     */
    public record IspNeighbour(String peerId, String verdict, String reason, int commonSuffix, double ratio, String target,
                               String ownRoute, String peerRoute, java.time.Instant ownMeasuredAt,
                               java.time.Instant peerMeasuredAt, boolean duplicationVia, boolean suppressionRequests,
                               Double rttCorrelation, boolean rttCorrelated, String rttSamples) {
        public IspNeighbour {
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(verdict, "verdict");
        }
    }
}
