package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.api.EmergencyStatus;
import org.junit.jupiter.api.Test;

/** EmergencyMib's arithmetic and PeerMib's peerQuotaUsed/peerEmergencyHelp, without SNMP. */
class EmergencyMibTest {

    static final Instant T = Instant.parse("2026-12-06T08:00:00Z");
    static final EmergencyStatus.Requester NORMAL = new EmergencyStatus.Requester("NORMAL", null, T, "", "", 0, 0, 0, 0);

    static EmergencyStatus.Helping h(String peer, String state, long bytes) {
        return new EmergencyStatus.Helping(peer, state, T, "", 1_000_000, 1000, bytes, 0, 0, 0);
    }

    static EmergencyStatus status(EmergencyStatus.Requester r, long started, EmergencyStatus.Helping... hs) {
        return new EmergencyStatus(r, List.of(hs), started, Map.of());
    }

    /** A ControlApi whose emergency() says nothing is going on; these tests feed account() themselves. */
    static net.coopwan.daemon.api.ControlApi offApi() {
        return (net.coopwan.daemon.api.ControlApi) java.lang.reflect.Proxy.newProxyInstance(
                EmergencyMibTest.class.getClassLoader(), new Class<?>[] {net.coopwan.daemon.api.ControlApi.class},
                (proxy, method, args) -> method.getName().equals("emergency") ? EmergencyStatus.off(T) : null);
    }

    @Test
    void bytesCarriedAddsEachSessionsGrowthAndNeverGoesBack() {
        EmergencyMib m = new EmergencyMib(offApi(), false);
        assertEquals(new EmergencyMib.Values(0, 0, 0), m.account(status(NORMAL, 0)));
        assertEquals(100, m.account(status(NORMAL, 1, h("a", "HELPING", 100))).bytesCarried());
        assertEquals(250, m.account(status(NORMAL, 2, h("a", "HELPING", 150), h("b", "HELPING", 100))).bytesCarried());
        // a ends (its counters read 0 while ENDING, then it is gone): what it carried stays
        assertEquals(250, m.account(status(NORMAL, 2, h("a", "ENDING", 0), h("b", "HELPING", 100))).bytesCarried());
        assertEquals(260, m.account(status(NORMAL, 2, h("b", "HELPING", 110))).bytesCarried());
        // a new session of a counts from its start
        assertEquals(290, m.account(status(NORMAL, 3, h("a", "HELPING", 30), h("b", "HELPING", 110))).bytesCarried());
        // b's session was replaced between two reads (lower value): the new session's whole value
        assertEquals(295, m.account(status(NORMAL, 4, h("a", "HELPING", 30), h("b", "HELPING", 5))).bytesCarried());
        // PREPARING carries nothing yet and is not followed
        assertEquals(295, m.account(status(NORMAL, 4, h("c", "PREPARING", 0))).bytesCarried());
        assertEquals(295, m.account(status(NORMAL, 4)).bytesCarried());
    }

    @Test
    void activeCountsHelpingEntriesAndACarriedRequester() {
        EmergencyStatus.Requester carried = new EmergencyStatus.Requester("CARRIED", "x", T, "", "direct", 1, 1, 7, 7);
        EmergencyStatus s = status(carried, 5, h("a", "HELPING", 1), h("b", "PREPARING", 0), h("c", "ENDING", 0),
                h("d", "HELPING", 1));
        assertEquals(3, EmergencyMib.active(s, null, null));
        assertEquals(2, EmergencyMib.active(s, "a", "helper"), "without a's session");
        assertEquals(3, EmergencyMib.active(s, "a", "requester"), "a is not our helper");
        assertEquals(2, EmergencyMib.active(s, "x", "requester"));
        EmergencyStatus.Requester requesting = new EmergencyStatus.Requester("REQUESTING", "x", T, "", "", 0, 0, 0, 0);
        assertEquals(0, EmergencyMib.active(status(requesting, 0), null, null), "asking is not carried");
        assertEquals(new EmergencyMib.Values(5, 3, 2), new EmergencyMib(offApi(), false).account(s));
    }

    @Test
    void quotaUsedIsTheQuotaTimesThePercentWhileHelping() {
        EmergencyStatus.Helping helping = new EmergencyStatus.Helping("a", "HELPING", T, "", 5_000_000, 1000, 9, 0, 0, 37);
        assertEquals(1_850_000, PeerMib.quotaUsed(helping));
        assertEquals(0, PeerMib.quotaUsed(null));
        assertEquals(0, PeerMib.quotaUsed(new EmergencyStatus.Helping("a", "ENDING", T, "", 5_000_000, 1000, 0, 0, 0, 37)));
        // exact for quotas not divisible by 100, capped at the quota, no overflow near 2^63
        assertEquals(99, PeerMib.quotaUsed(new EmergencyStatus.Helping("a", "HELPING", T, "", 199, 1000, 0, 0, 0, 50)));
        assertEquals(199, PeerMib.quotaUsed(new EmergencyStatus.Helping("a", "HELPING", T, "", 199, 1000, 0, 0, 0, 250)));
        assertEquals(Long.MAX_VALUE / 100 * 99 + Long.MAX_VALUE % 100 * 99 / 100, PeerMib.quotaUsed(
                new EmergencyStatus.Helping("a", "HELPING", T, "", Long.MAX_VALUE, 1000, 0, 0, 0, 99)));
        assertEquals(PeerMib.HELP_NONE, PeerMib.help(null));
        assertEquals(PeerMib.HELP_PREPARING, PeerMib.help(h("a", "PREPARING", 0)));
        assertEquals(PeerMib.HELP_HELPING, PeerMib.help(h("a", "HELPING", 0)));
        assertEquals(PeerMib.HELP_ENDING, PeerMib.help(h("a", "ENDING", 0)));
    }

    /** With the daemon's kept totals, a restarted agent starts from them: ended sessions plus running ones. */
    @Test
    void bytesCarriedStartsFromTheTotalsTheDaemonKeeps() {
        EmergencyMib m = new EmergencyMib(offApi(), false);
        List<EmergencyStatus.Total> kept = List.of(new EmergencyStatus.Total("a", "helper", 3, 5000, 0, 0, 0),
                new EmergencyStatus.Total("a", "requester", 1, 700, 900, 0, 0));
        EmergencyStatus withKept = new EmergencyStatus(NORMAL, List.of(h("b", "HELPING", 100)), 4, Map.of(), kept);
        assertEquals(5100, m.account(withKept).bytesCarried(), "the helper's kept octets plus b's running session");
        // b ends: for a moment in neither list; then its 120 octets are kept
        assertEquals(5100, m.account(new EmergencyStatus(NORMAL, List.of(), 4, Map.of(), kept)).bytesCarried());
        List<EmergencyStatus.Total> later = List.of(new EmergencyStatus.Total("a", "helper", 3, 5000, 0, 0, 0),
                new EmergencyStatus.Total("b", "helper", 1, 120, 0, 0, 0));
        assertEquals(5120, m.account(new EmergencyStatus(NORMAL, List.of(), 4, Map.of(), later)).bytesCarried());
    }
}
