package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.api.PeerChannelChanged;
import net.coopwan.daemon.secure.PairingCode;

/** The channel service publishes one PeerChannelChanged per state change of a peer's channel, none while stable. */
class ChannelStateChangesTest {

    private final Lan lan = new Lan();
    private final Lan.Node a = lan.node("coop-aaaa", "100.64.77.1");
    private final Lan.Node b = lan.node("coop-bbbb", "100.64.77.2");
    private final List<PeerChannelChanged> seenByA = new ArrayList<>();

    /** Moves time in 50 ms ticks and publishes after each, as the service's timer does. */
    private void run(Duration d) {
        for (long t = 0; t < d.toMillis(); t += 50) {
            lan.advance(Duration.ofMillis(50));
            a.service.publishChanges();
        }
    }

    @Test
    void upThenDownThenUpAgainAreThreeChangesWithPeerAddressAndReason() throws Exception {
        a.service.stateChanges(seenByA::add);
        PairingCode code = a.service.show(b.address.getAddress(), lan.now);
        CompletableFuture<PairingExchange.Paired> f = b.service.enter(a.address, code, lan.now, b.outbox);
        lan.pump();
        assertEquals("coop-aaaa", f.get().peerId());
        a.service.publishChanges();
        assertEquals(List.of(), seenByA, "a new pairing starts CONNECTING: nothing changed yet");

        run(Duration.ofMillis(200));
        assertEquals(1, seenByA.size(), seenByA.toString());
        PeerChannelChanged up = seenByA.get(0);
        assertEquals("coop-bbbb", up.peerId());
        assertEquals("100.64.77.2", up.address());
        assertEquals("CONNECTING", up.from());
        assertEquals("ESTABLISHED", up.to());
        assertTrue(!up.at().isAfter(lan.clock.instant()), "seen at or before now");

        run(Duration.ofSeconds(10));
        assertEquals(1, seenByA.size(), "keep-alives change nothing: " + seenByA);

        lan.lose = x -> true; // the cable is cut
        run(Duration.ofSeconds(7));
        assertEquals(2, seenByA.size(), seenByA.toString());
        PeerChannelChanged down = seenByA.get(1);
        assertEquals("ESTABLISHED", down.from());
        assertEquals("CONNECTING", down.to());
        assertTrue(down.reason().contains("nothing authenticated"), down.reason());

        lan.lose = x -> false;
        run(Duration.ofSeconds(40)); // the initiator's next attempt: backoff up to 30 s + 25 % jitter
        assertEquals(3, seenByA.size(), seenByA.toString());
        assertEquals("ESTABLISHED", seenByA.get(2).to());
    }
}
