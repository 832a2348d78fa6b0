package net.coopwan.daemon.uplink.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class UplinkFailureSettingsTest {

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static UplinkFailureSettings s(long interval, long timeout, int down, int threshold, long blackhole,
                                           long tick, int maxFlap, List<ProbeTarget> targets) {
        return new UplinkFailureSettings(targets, interval, timeout, down, threshold, blackhole, 2000, 60_000, maxFlap,
                300_000, tick);
    }

    @Test
    void defaults() {
        UplinkFailureSettings d = UplinkFailureSettings.DEFAULTS;
        assertEquals(List.of(), d.targets());
        assertEquals(100, d.probeIntervalMs());
        assertEquals(300, d.probeTimeoutMs());
        assertEquals(6, d.probeDownCount());
        assertEquals(600, d.blackholeMs());
        assertEquals(2000, d.recoverMs());
        assertEquals(25, d.tickMs());
        assertEquals(0, d.effectiveProbeThreshold());
        assertEquals(3, UplinkFailureDetectorTest.withTargets(3).effectiveProbeThreshold());
    }

    @Test
    void refusesWithClearMessages() {
        List<ProbeTarget> three = UplinkFailureDetectorTest.withTargets(3).targets();
        assertEquals("probeIntervalMs must be 10..60000: 5", refused(() -> s(5, 300, 6, 0, 600, 5, 8, three)));
        assertEquals("probeDownCount must be 2..1000: 1", refused(() -> s(100, 300, 1, 0, 600, 25, 8, three)));
        assertEquals("probeThreshold must be at least 2 when 2 or more targets are configured, so one dead server "
                + "never fails the uplink: 1", refused(() -> s(100, 300, 6, 1, 600, 25, 8, three)));
        assertEquals("probeThreshold must be 0 (all targets) or 1..3 (the number of targets): 4",
                refused(() -> s(100, 300, 6, 4, 600, 25, 8, three)));
        assertEquals("tickMs must not exceed probeIntervalMs (100): 200",
                refused(() -> s(100, 300, 6, 0, 600, 200, 8, three)));
        assertEquals("blackholeMs must be 50..3600000: 40", refused(() -> s(100, 300, 6, 0, 40, 25, 8, three)));
        assertEquals("maxFlapFactor must be a power of two (the factor doubles): 6",
                refused(() -> s(100, 300, 6, 0, 600, 25, 6, three)));
        assertEquals("probe targets must differ: [198.18.1.1, 198.18.1.1]",
                refused(() -> UplinkFailureSettings.DEFAULTS.withTargets(List.of(three.get(0), three.get(0)))));
        // One target may be its own threshold (documented as weak on a lossy line).
        assertEquals(1, UplinkFailureSettings.DEFAULTS.withTargets(three.subList(0, 1)).effectiveProbeThreshold());
        assertEquals(2, s(100, 300, 6, 2, 600, 25, 8, three).effectiveProbeThreshold());
    }

    @Test
    void targetsParseAsAConfigurationWritesThem() {
        assertEquals("198.18.1.1", ProbeTarget.parse("icmp:198.18.1.1").toString());
        assertEquals("198.18.1.1", ProbeTarget.parse(" 198.18.1.1 ").toString());
        ProbeTarget u = ProbeTarget.parse("udp:198.18.1.2:7007");
        assertEquals(ProbeTarget.Kind.UDP, u.kind());
        assertEquals(7007, u.port());
        assertEquals("udp:198.18.1.2:7007", u.toString());
        assertEquals("probe target 'example.com': not an IPv4 address: 'example.com'",
                refused(() -> ProbeTarget.parse("example.com")));
        assertEquals("probe target '198.18.1.256': not an IPv4 address: '198.18.1.256'",
                refused(() -> ProbeTarget.parse("198.18.1.256")));
        assertEquals("probe target 'udp:198.18.1.2': udp needs ADDRESS:PORT", refused(() -> ProbeTarget.parse("udp:198.18.1.2")));
        assertEquals("UDP probe target 198.18.1.2: port must be 1..65535: 0",
                refused(() -> ProbeTarget.parse("udp:198.18.1.2:0")));
    }
}
