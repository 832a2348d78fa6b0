package net.coopwan.config;

import java.util.Map;

/**
 * The cooperation types of seed 001 [0098], [0115], each with the parameters an owner may offer
 * as a {@code _min}/{@code _max} range. The hard bounds here are the limits any offer must stay in.
 */
public enum CooperationType {
    /** FIG. 3B: B carries A's traffic when A's uplink fails, within a quota per window T [0131]. */
    EMERGENCY("emergency", Map.of(
            "bandwidth_kbps", new ParameterRange(1, 10_000_000),
            "quota_bytes", new ParameterRange(1, 1L << 40),
            "window_ms", new ParameterRange(100, 10_000))),
    /** FIG. 3C: spare capacity lent for new sessions. */
    BANDWIDTH_SHARING("bandwidth_sharing", Map.of(
            "bandwidth_kbps", new ParameterRange(1, 10_000_000),
            "max_share_percent", new ParameterRange(1, 100))),
    /** FIG. 3D: latency-critical packets sent over both uplinks. */
    DUPLICATION("duplication", Map.of(
            "bandwidth_kbps", new ParameterRange(1, 10_000_000))),
    /** FIG. 3D: other traffic held back while latency-critical sessions run [0317]-[0318]. */
    SUPPRESSION("suppression", Map.of(
            "max_drop_percent", new ParameterRange(0, 100)));

    private final String uciName;
    private final Map<String, ParameterRange> bounds;

    CooperationType(String uciName, Map<String, ParameterRange> bounds) {
        this.uciName = uciName;
        this.bounds = bounds;
    }

    /** The spelling used in UCI and on every API. */
    public String uciName() {
        return uciName;
    }

    /** Parameter name to the widest range any offer of this type may have. */
    public Map<String, ParameterRange> bounds() {
        return bounds;
    }

    public static CooperationType fromUci(String name) {
        for (CooperationType t : values()) {
            if (t.uciName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown cooperation type '" + name + "'");
    }
}
