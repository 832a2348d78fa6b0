package net.coopwan.daemon.coop.latency;

import static net.coopwan.daemon.coop.latency.LatencyPolicyTest.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

/** [0243]-[0249]: per-type idle timeouts, "current LC traffic" within D, one log line per change. */
class LcSessionsTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> log = new ArrayList<>();
    private final LcSessions sessions = new LcSessions(Duration.ofMillis(1000), clock, log::add);
    private final Classification game = new Classification(Origin.APP, "lol", Duration.ofMillis(5000));
    private final Classification call = new Classification(Origin.APP, "voip", Duration.ofMillis(300));

    @Test
    void aSessionEndsAfterItsTypesIdleTimeoutNotBefore() {
        sessions.packet(udp(40000, 5000), game);
        sessions.packet(udp(40001, 5060), call);
        assertEquals(2, sessions.sessions().size());
        clock.advanceMillis(300);
        assertEquals(List.of(), sessions.expire(), "at exactly the timeout both still live");
        clock.advanceMillis(1);
        List<LcSessions.Session> gone = sessions.expire();
        assertEquals(List.of(udp(40001, 5060)), gone.stream().map(LcSessions.Session::flow).toList());
        clock.advanceMillis(4699);
        assertEquals(1, sessions.sessions().size());
        sessions.packet(udp(40000, 5000), game); // keeps it alive
        clock.advanceMillis(5000);
        assertEquals(List.of(), sessions.expire());
        clock.advanceMillis(1);
        assertEquals(1, sessions.expire().size());
        assertEquals(List.of(), sessions.sessions());
        assertEquals(4, log.size(), log.toString());
        assertTrue(log.get(0).contains("udp 100.64.80.2:40000 > 198.18.90.2:5000 ACTIVE: application type lol"), log.get(0));
        assertTrue(log.get(2).contains("ENDED: idle 300 ms"), log.get(2));
    }

    @Test
    void lcTrafficIsCurrentWithinDOfTheLastLcPacketEvenWhileSessionsLiveLonger() {
        assertFalse(sessions.currentTraffic(), "no LC packet yet");
        sessions.packet(udp(40000, 5000), game);
        clock.advanceMillis(1000);
        assertTrue(sessions.currentTraffic());
        clock.advanceMillis(1);
        assertFalse(sessions.currentTraffic(), "D passed: not current, though the session lives 5 s");
        assertEquals(1, sessions.sessions().size());
        sessions.packet(udp(40000, 5000), game);
        assertTrue(sessions.currentTraffic());
        sessions.clear("classification off");
        assertFalse(sessions.currentTraffic());
        assertTrue(log.get(log.size() - 1).endsWith("ENDED: classification off"));
    }

    @Test
    void aSessionKeepsTheReasonItStartedWithAndExposesAnAdHocUpgrade() {
        Classification adHoc = new Classification(Origin.AD_HOC, "adhoc", Duration.ofMillis(5000));
        LcSessions.Session s = sessions.packet(udp(40000, 7777), adHoc);
        assertTrue(s.upgradedAdHoc());
        clock.advanceMillis(20);
        s = sessions.packet(udp(40000, 7777), game);
        assertTrue(s.upgradedAdHoc(), "a later packet does not re-classify a running session");
        assertEquals(1, log.size());
        clock.advanceMillis(5001);
        assertNull(sessions.session(udp(40000, 7777)));
        s = sessions.packet(udp(40000, 7777), game);
        assertFalse(s.upgradedAdHoc(), "after its end, the same 5-tuple is a new session");
        assertEquals(3, log.size(), log.toString());
    }
}
