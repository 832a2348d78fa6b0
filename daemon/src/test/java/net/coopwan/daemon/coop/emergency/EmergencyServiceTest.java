package net.coopwan.daemon.coop.emergency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.testing.ManualClock;

/**
 * Two emergency services, requester "req" and helper "help", wired back to back through a lossy
 * in-memory channel with a manual clock: the exchange of FIG. 3B and every refusal the issue
 * names (no agreement, over the quota or window, an ack nobody asked for, late copies).
 */
class EmergencyServiceTest {

    /** Runs work in line: the state after each step is deterministic. */
    static final class DirectExecutor extends AbstractExecutorService {
        boolean shut;

        @Override
        public void execute(Runnable r) {
            r.run();
        }

        @Override
        public void shutdown() {
            shut = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shut = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shut;
        }

        @Override
        public boolean isTerminated() {
            return shut;
        }

        @Override
        public boolean awaitTermination(long t, TimeUnit u) {
            return true;
        }
    }

    /** Records what the protocol asked of the data plane. */
    static final class RecordingPaths implements EmergencyPaths {
        final List<String> calls = new ArrayList<>();
        final Map<String, EmergencyMessage.Grant> helping = new HashMap<>();
        final Map<String, EmergencyMessage.Grant> carried = new HashMap<>();
        String failOpen;

        @Override
        public String openHelp(String requesterId, InetAddress requesterAddress, EmergencyMessage.Mode mode,
                EmergencyMessage.Grant grant, List<EmergencyMessage.Destination> destinations) throws Exception {
            calls.add("openHelp " + requesterId);
            if (failOpen != null) {
                throw new Exception(failOpen);
            }
            helping.put(requesterId, grant);
            return "help-" + requesterId;
        }

        @Override
        public PathCounters closeHelp(String requesterId) {
            calls.add("closeHelp " + requesterId);
            return helping.remove(requesterId) == null ? PathCounters.ZERO : new PathCounters(1000, 0, 10, 1, 0);
        }

        @Override
        public String carry(String helperId, InetAddress helperAddress, EmergencyMessage.Mode mode,
                EmergencyMessage.Grant grant) {
            calls.add("carry " + helperId);
            carried.put(helperId, grant);
            return "carry-" + helperId;
        }

        @Override
        public PathCounters uncarry(String helperId) {
            calls.add("uncarry " + helperId);
            return carried.remove(helperId) == null ? PathCounters.ZERO : new PathCounters(700, 900, 0, 0, 0);
        }

        @Override
        public PathCounters counters(String peerId, boolean asHelper) {
            return new PathCounters(1000, 2000, 0, 0, 500);
        }

        @Override
        public Map<String, PathCounters> clear() {
            Map<String, PathCounters> last = new HashMap<>();
            helping.keySet().forEach(r -> last.put("help-" + r, new PathCounters(1000, 0, 10, 1, 0)));
            carried.keySet().forEach(h -> last.put("carry-" + h, new PathCounters(700, 900, 0, 0, 0)));
            helping.clear();
            carried.clear();
            return last;
        }
    }

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T21:00:00Z"));
    long nanos = 1_000_000_000L;
    final Map<String, Agreement> agreements = new HashMap<>();
    final List<String> logReq = new ArrayList<>();
    final List<String> logHelp = new ArrayList<>();
    final List<EmergencyChanged> changes = new ArrayList<>();
    final RecordingPaths reqPaths = new RecordingPaths();
    final RecordingPaths helpPaths = new RecordingPaths();
    final EmergencyLedger reqLedger = EmergencyLedger.inMemory();
    final EmergencyLedger helpLedger = EmergencyLedger.inMemory();
    /** Messages in flight: [to, from, bytes]. */
    final List<Object[]> wire = new ArrayList<>();
    Predicate<EmergencyMessage> lose = m -> false;
    boolean channelUp = true;
    EmergencyService req;
    EmergencyService help;

    EmergencyService.Peers peers(String self, String other) {
        return new EmergencyService.Peers() {
            @Override
            public List<String> helpers() {
                Agreement a = agreements.get(self + ":" + Role.REQUESTER);
                return a != null && a.enables(CooperationType.EMERGENCY) ? List.of(other) : List.of();
            }

            @Override
            public Optional<Agreement> agreement(String peerId, Role role) {
                return Optional.ofNullable(agreements.get(self + ":" + role));
            }

            @Override
            public boolean established(String peerId) {
                return channelUp;
            }

            @Override
            public InetAddress address(String peerId) {
                return InetAddress.getLoopbackAddress();
            }
        };
    }

    static Agreement emergency(String peer, Role role, long quota, long window) {
        return new Agreement(peer, role, Map.of(CooperationType.EMERGENCY,
                Map.of("bandwidth_kbps", 5000L, "quota_bytes", quota, "window_ms", window)),
                Instant.parse("2026-12-01T00:00:00Z"), Approver.OWNER_CLI);
    }

    @BeforeEach
    void setUp() {
        agreements.put("req:" + Role.REQUESTER, emergency("help", Role.REQUESTER, 50_000_000L, 1000));
        agreements.put("help:" + Role.HELPER, emergency("req", Role.HELPER, 50_000_000L, 1000));
        EmergencyService.Settings s = new EmergencyService.Settings(true, EmergencyMessage.Mode.DIRECT, 4791,
                0x647fff00, 24);
        req = new EmergencyService(s, peers("req", "help"), reqPaths, reqLedger, logReq::add, changes::add, clock,
                () -> nanos, new Random(1), new DirectExecutor());
        help = new EmergencyService(s, peers("help", "req"), helpPaths, helpLedger, logHelp::add, changes::add, clock,
                () -> nanos, new Random(2), new DirectExecutor());
    }

    EmergencyService.Sender from(String sender) {
        return (peer, plaintext) -> {
            if (!channelUp) {
                return false;
            }
            byte[] b = new byte[plaintext.remaining()];
            plaintext.get(b);
            wire.add(new Object[] {peer, sender, b});
            return true;
        };
    }

    /** Advances time by {@code ms} in 50 ms ticks (the channel's), delivering what was sent. */
    void run(long ms) throws Exception {
        for (long t = 0; t < ms; t += 50) {
            req.tick(nanos, from("req"));
            help.tick(nanos, from("help"));
            deliver();
            nanos += 50_000_000L;
            clock.advanceMillis(50);
        }
    }

    void deliver() throws Exception {
        for (int round = 0; round < 10 && !wire.isEmpty(); round++) {
            List<Object[]> now = new ArrayList<>(wire);
            wire.clear();
            for (Object[] w : now) {
                byte[] b = (byte[]) w[2];
                if (lose.test(EmergencyCodec.parse(ByteBuffer.wrap(b)))) {
                    continue;
                }
                EmergencyService to = w[0].equals("help") ? help : req;
                to.onMessage((String) w[1], ByteBuffer.wrap(b), nanos, from((String) w[0]));
            }
        }
    }

    @Test
    void failureThenRecoveryFollowsFig3b() throws Exception {
        run(100);
        assertTrue(reqPaths.calls.isEmpty(), "nothing moves while the uplink is fine");
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "no packet received for 612 ms while 40 sent");
        run(100);
        assertEquals("CARRIED", req.requesterState());
        assertEquals(Map.of("req", "HELPING"), help.helperStates());
        // claim 30: the helper's path existed before the requester moved its LAN
        assertEquals(List.of("openHelp req"), helpPaths.calls);
        assertEquals(List.of("carry help"), reqPaths.calls);
        EmergencyMessage.Grant g = reqPaths.carried.get("help");
        // bandwidth_kbps 5000 over a window of 1000 ms is 625 000 B, below quota_bytes: both ceilings hold
        assertEquals(625_000L, g.quotaBytes());
        assertEquals(1000, g.windowMs());
        assertEquals(0x647fff02, g.requesterAddress());
        assertEquals(0x647fff01, g.helperAddress());
        assertEquals(g, helpPaths.helping.get("req"), "both ends use the same key and addresses");
        assertEquals(1, req.status().started());
        assertEquals("no packet received for 612 ms while 40 sent", req.status().requester().reason(),
                "the reason is the evidence; front-ends say whose neighbour carries it");

        req.uplinkRecovered("probes answered for 2000 ms");
        run(200);
        assertEquals("NORMAL", req.requesterState());
        assertTrue(help.helperStates().isEmpty());
        assertEquals(List.of("carry help", "uncarry help"), reqPaths.calls);
        assertEquals(List.of("openHelp req", "closeHelp req"), helpPaths.calls);
        assertEquals(4, changes.size(), "started and ended, in both roles: " + changes);
        // the ledger kept a start and the path's last counters, in each role
        assertEquals(List.of(new net.coopwan.daemon.api.EmergencyStatus.Total("help", "requester", 1, 700, 900, 0, 0)),
                req.status().totals());
        assertEquals(List.of(new net.coopwan.daemon.api.EmergencyStatus.Total("req", "helper", 1, 1000, 0, 10, 1)),
                help.status().totals());
        assertEquals(1, help.status().started());
    }

    @Test
    void lostMessagesAreResentUntilAcknowledged() throws Exception {
        int[] lostRequests = {0};
        int[] lostAcks = {0};
        lose = m -> m instanceof EmergencyMessage.Request && lostRequests[0]++ < 2
                || m instanceof EmergencyMessage.Ack && lostAcks[0]++ < 1;
        req.uplinkFailed(EmergencyMessage.Cause.PROBES, "3 of 3 targets down");
        run(1000);
        assertEquals("CARRIED", req.requesterState());
        assertEquals(List.of("openHelp req"), helpPaths.calls, "a repeated REQUEST is answered with the same ACK");
        int[] lostTerminates = {0};
        lose = m -> m instanceof EmergencyMessage.Terminate && lostTerminates[0]++ < 2;
        req.uplinkRecovered("carrier up for 2 s");
        run(1000);
        assertEquals("NORMAL", req.requesterState());
        assertTrue(help.helperStates().isEmpty());
    }

    @Test
    void aRequesterWithoutAgreementIsRefusedAndNothingIsForwarded() throws Exception {
        agreements.remove("help:" + Role.HELPER);
        req.uplinkFailed(EmergencyMessage.Cause.CARRIER, "carrier down");
        run(200);
        assertEquals("NORMAL", req.requesterState());
        assertTrue(helpPaths.calls.isEmpty());
        assertTrue(reqPaths.calls.isEmpty());
        assertEquals(1L, help.counters().get("EMERGENCY_REFUSED_NO_AGREEMENT"));
        assertTrue(logHelp.stream().anyMatch(l -> l.contains("refused emergency")), logHelp.toString());
        // not asked again at once: after the pause
        run(10_000);
        assertEquals(1L, help.counters().get("EMERGENCY_REFUSED_NO_AGREEMENT"));
        run(21_000);
        assertEquals(2L, help.counters().get("EMERGENCY_REFUSED_NO_AGREEMENT"));
    }

    @Test
    void aRequestBeyondTheAgreedQuotaOrWindowIsRefused() throws Exception {
        help.onMessage("req", EmergencyCodec.encode(new EmergencyMessage.Request(99, EmergencyMessage.Mode.DIRECT,
                EmergencyMessage.Cause.OWNER, 50_000_001L, 0)), nanos, from("help"));
        help.onMessage("req", EmergencyCodec.encode(new EmergencyMessage.Request(100, EmergencyMessage.Mode.DIRECT,
                EmergencyMessage.Cause.OWNER, 0, 1001)), nanos, from("help"));
        assertEquals(2L, help.counters().get("EMERGENCY_REFUSED_OVER_AGREEMENT"));
        assertTrue(helpPaths.calls.isEmpty());
        assertEquals(2, wire.size());
        for (Object[] w : wire) {
            EmergencyMessage.Ack a = (EmergencyMessage.Ack) EmergencyCodec.parse(ByteBuffer.wrap((byte[]) w[2]));
            assertEquals(EmergencyMessage.Refusal.OVER_AGREEMENT, a.refusal());
        }
    }

    @Test
    void anAckNobodyAskedForAndALateRequestChangeNothing() throws Exception {
        req.onMessage("help", EmergencyCodec.encode(EmergencyMessage.Ack.granted(5, EmergencyCodecTest.GRANT)), nanos,
                from("req"));
        assertEquals(1L, req.counters().get("EMERGENCY_UNEXPECTED"));
        assertTrue(reqPaths.calls.isEmpty());
        req.onMessage("help", EmergencyCodec.encode(new EmergencyMessage.TerminateAck(5)), nanos, from("req"));
        assertEquals(2L, req.counters().get("EMERGENCY_UNEXPECTED"));
        req.onMessage("help", ByteBuffer.wrap(new byte[] {9, 9}), nanos, from("req"));
        assertEquals(1L, req.counters().get("EMERGENCY_MALFORMED"));

        // an emergency runs and ends; a delayed copy of its REQUEST then starts nothing
        req.uplinkFailed(EmergencyMessage.Cause.CARRIER, "carrier down");
        run(100);
        req.uplinkRecovered("carrier up");
        run(300);
        assertTrue(help.helperStates().isEmpty());
        long id = Long.parseLong(logReq.stream().filter(l -> l.contains("(emergency ")).findFirst().orElseThrow()
                .replaceAll(".*\\(emergency ([0-9a-f]{8}).*", "$1"), 16);
        help.onMessage("req", EmergencyCodec.encode(new EmergencyMessage.Request(id, EmergencyMessage.Mode.DIRECT,
                EmergencyMessage.Cause.CARRIER, 0, 0)), nanos, from("help"));
        assertEquals(1L, help.counters().get("EMERGENCY_STALE"));
        assertTrue(help.helperStates().isEmpty());
        assertEquals(List.of("openHelp req", "closeHelp req"), helpPaths.calls);
    }

    @Test
    void theHelpersOwnerEndsItAndTheRequesterStopsUsingIt() throws Exception {
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(100);
        assertEquals("CARRIED", req.requesterState());
        assertTrue(help.endHelp("req", "web"));
        assertFalse(help.endHelp("req", "web"), "already ending");
        assertFalse(helpPaths.helping.containsKey("req"), "the helper stops forwarding at once");
        run(100);
        assertEquals("NORMAL", req.requesterState());
        assertTrue(reqPaths.carried.isEmpty());
        assertTrue(help.helperStates().isEmpty());
        assertTrue(req.status().requester().reason().contains("the helper's owner ended it"));
        // the uplink is still down, but the owner's decision holds for the pause
        run(5000);
        assertTrue(help.helperStates().isEmpty());
    }

    @Test
    void aWithdrawnAgreementEndsTheHelp() throws Exception {
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(100);
        agreements.remove("help:" + Role.HELPER);
        run(1500);
        assertTrue(help.helperStates().isEmpty());
        assertEquals("NORMAL", req.requesterState());
        assertTrue(logHelp.stream().anyMatch(l -> l.contains("agreement was withdrawn")), logHelp.toString());
    }

    @Test
    void aFailedSetUpIsRefusedAndRemovedOnTheHelper() throws Exception {
        helpPaths.failOpen = "cannot open TUN cwh0: busy";
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(200);
        assertEquals("NORMAL", req.requesterState());
        assertEquals(List.of("openHelp req", "closeHelp req"), helpPaths.calls);
        assertEquals(1L, help.counters().get("EMERGENCY_SETUP_FAILED"));
        assertTrue(reqPaths.calls.isEmpty());
    }

    @Test
    void recoveryBeforeTheAnswerStillTellsTheHelper() throws Exception {
        lose = m -> m instanceof EmergencyMessage.Ack;
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(100);
        assertEquals(Map.of("req", "HELPING"), help.helperStates());
        lose = m -> false;
        req.uplinkRecovered("rx resumed");
        run(300);
        assertEquals("NORMAL", req.requesterState());
        assertTrue(help.helperStates().isEmpty(), "the helper removed the path it had granted");
        assertTrue(reqPaths.calls.isEmpty(), "the LAN never moved");
    }

    @Test
    void aHelperWhoseChannelIsGoneIsGivenUpAndAskedAgain() throws Exception {
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(100);
        assertEquals("CARRIED", req.requesterState());
        channelUp = false; // the helper was killed
        run(2500);
        assertEquals(List.of("carry help", "uncarry help"), reqPaths.calls, "the dead path is left");
        assertTrue(logReq.stream().anyMatch(l -> l.contains("has been down for 2000 ms")), logReq.toString());
        channelUp = true; // it came back (restarted): the still failed uplink asks again (within 1 s)
        run(1500);
        assertEquals("CARRIED", req.requesterState());
        assertEquals(List.of("carry help", "uncarry help", "carry help"), reqPaths.calls);
    }

    @Test
    void aRequesterThatVanishesLosesTheHelpWhenItsLeaseRunsOut() throws Exception {
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(100);
        run(8000);
        assertEquals(Map.of("req", "HELPING"), help.helperStates(), "the lease is renewed while carried");
        assertEquals(0L, req.counters().getOrDefault("EMERGENCY_UNEXPECTED", 0L), "the renewals' ACKs are expected");
        // the requester restarts: a new service without the emergency, the channel stays up
        req = new EmergencyService(new EmergencyService.Settings(true, EmergencyMessage.Mode.DIRECT, 4791, 0x647fff00, 24),
                peers("req", "help"), reqPaths, reqLedger, logReq::add, changes::add, clock, () -> nanos, new Random(3),
                new DirectExecutor());
        run(4500);
        assertEquals(Map.of("req", "HELPING"), help.helperStates());
        run(1000);
        assertTrue(help.helperStates().isEmpty() || help.helperStates().equals(Map.of("req", "ENDING")),
                help.helperStates().toString());
        assertFalse(helpPaths.helping.containsKey("req"), "the helper stopped forwarding");
        assertTrue(logHelp.stream().anyMatch(l -> l.contains("its lease ran out")), logHelp.toString());
    }

    /** A start after a kill -9 finds the killed run's paths in the ledger and ends them with the counters left in the kernel. */
    @Test
    void aNewServiceEndsTheKilledRunsPathsWithTheirKernelCounters() throws Exception {
        req.uplinkFailed(EmergencyMessage.Cause.BLACKHOLE, "silence");
        run(100);
        assertEquals(List.of("help-req"), helpLedger.running());
        // kill -9 of the helper: its paths' state stays in the kernel (the fake) and in the ledger
        EmergencyService again = new EmergencyService(new EmergencyService.Settings(true, EmergencyMessage.Mode.DIRECT,
                4791, 0x647fff00, 24), peers("help", "req"), helpPaths, helpLedger, logHelp::add, changes::add, clock,
                () -> nanos, new Random(4), new DirectExecutor());
        assertTrue(helpLedger.running().isEmpty());
        assertTrue(helpPaths.helping.isEmpty(), "the leftover path was removed");
        assertEquals(List.of(new net.coopwan.daemon.api.EmergencyStatus.Total("req", "helper", 1, 1000, 0, 10, 1)),
                again.status().totals());
        assertTrue(logHelp.stream().anyMatch(l -> l.contains("left by an earlier run removed")), logHelp.toString());
    }
}
