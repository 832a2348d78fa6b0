package net.coopwan.snmp.security;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What RFC 3414 requires an SNMPv3 engine to keep across restarts.
 *
 * @param engineId    snmpEngineID, 5-32 octets; stable so managers keep their localized keys
 * @param engineBoots snmpEngineBoots for this run, 1..2147483647; larger than in any earlier run
 *                    (replay protection depends on it) unless it has reached its maximum
 */
public record EngineState(byte[] engineId, int engineBoots) {

    /** RFC 3414 2.2.2: snmpEngineBoots stops here until the engine is given a new snmpEngineID. */
    public static final int MAX_BOOTS = Integer.MAX_VALUE;

    public EngineState {
        if (engineId == null || engineId.length < 5 || engineId.length > 32) {
            throw new IllegalArgumentException("snmpEngineID must be 5-32 octets, got "
                    + (engineId == null ? "none" : engineId.length));
        }
        if (engineBoots < 1) {
            throw new IllegalArgumentException("snmpEngineBoots must be at least 1, got " + engineBoots);
        }
        engineId = engineId.clone();
    }

    @Override
    public byte[] engineId() {
        return engineId.clone();
    }

    public String engineIdHex() {
        return HexFormat.of().formatHex(engineId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineState s && engineBoots == s.engineBoots && Arrays.equals(engineId, s.engineId);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(engineId) + engineBoots;
    }

    @Override
    public String toString() {
        return "EngineState[engineId=" + engineIdHex() + ", engineBoots=" + engineBoots + "]";
    }
}
