package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.LendingSession.Action;
import net.coopwan.daemon.coop.sharing.LendingSession.State;

/** The sharer's path for one borrower: grant after set-up, lease, release, the quota following the offer. */
class LendingSessionTest {
    /** The drain at its floor alone (a line too small for 5 % of it to be more). */
    private static final LendingSession.Drain FLOOR = new LendingSession.Drain(LendingSession.FLOOR_KBPS,
            LendingSession.FLOOR_KBPS);

    private static final long MS = 1_000_000L;
    final SharingMessage.Offer offer = new SharingMessage.Offer(9, 1, 5_000, 1_000, 1000);

    @Test
    void theQuotaIsTheRateOverTheWindowWithAFloor() {
        assertEquals(625_000, LendingSession.quotaBytes(offer), "the grant's: the larger, 5 000 kbit/s for 1 s");
        assertEquals(125_000, LendingSession.quotaBytes(1_000, 1000), "one direction's: 1 000 kbit/s for 1 s");
        assertEquals(12_500, LendingSession.quotaBytes(new SharingMessage.Offer(9, 2, 0, 0, 1000)), "the floor: 100 kbit/s");
        assertEquals(62_500, LendingSession.quotaBytes(new SharingMessage.Offer(9, 2, 2_000, 5_000, 100)));
        assertEquals(1_500, LendingSession.quotaBytes(new SharingMessage.Offer(9, 2, 0, 0, 100)), "one full packet at least");
    }

    @Test
    void theAnswerLeavesOnlyOnceThePathIsOpenAndRepeatsForEveryUse() {
        LendingSession l = new LendingSession("coop-borrower", offer, SharingCodecTest.GRANT, 0);
        assertEquals(List.of(new LendingSession.OpenPath(SharingCodecTest.GRANT)), l.start());
        assertTrue(l.onUse(10 * MS).isEmpty(), "no answer before the path is open (claim 30's order)");
        List<Action> a = l.onPathOpened(null);
        assertEquals(State.LENDING, l.state());
        assertEquals(new LendingSession.Send(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT)), a.get(1));
        assertEquals(List.of(new LendingSession.Send(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT))),
                l.onUse(20 * MS), "a repeated USE gets the same answer");
    }

    @Test
    void theQuotaFollowsTheOfferAtOnce() {
        LendingSession l = new LendingSession("coop-borrower", offer, SharingCodecTest.GRANT, 0);
        l.onPathOpened(null);
        assertEquals(List.of(new LendingSession.SetQuota(250_000, 62_500, 1000)),
                l.onOffer(new SharingMessage.Offer(9, 2, 2_000, 500, 1000), FLOOR, 0));
        assertEquals(List.of(new LendingSession.SetQuota(12_500, 12_500, 1000)),
                l.onOffer(new SharingMessage.Offer(9, 3, 0, 0, 1000), FLOOR, 0), "no bandwidth: the moved sessions drain at the floor");
        assertTrue(l.onOffer(new SharingMessage.Offer(9, 4, 0, 0, 1000), FLOOR, 0).isEmpty(), "unchanged: nothing to do");
    }

    /**
     * The sharing benchmark's sharer (20 Mbit/s, an agreement of 5 Mbit/s): while its own download
     * runs and the offer is 0, the moved sessions keep 1 Mbit/s of its line (six sessions of 80 kbit/s
     * each timed out at 100 kbit/s for all); the floor still binds on a small line, and the
     * agreement's rate caps it.
     */
    @Test
    void theMovedSessionsDrainWithFivePercentOfTheSharersLine() {
        assertEquals(new LendingSession.Drain(1_000, 250), LendingSession.Drain.of(20_000, 5_000, 5_000));
        assertEquals(new LendingSession.Drain(100, 100), LendingSession.Drain.of(1_000, 0, 0), "at least the floor");
        assertEquals(new LendingSession.Drain(300, 300), LendingSession.Drain.of(100_000, 100_000, 300), "at most the agreement");
        assertEquals(new LendingSession.Drain(5_000, 5_000), LendingSession.Drain.of(100_000, 100_000, 0), "no rate agreed");
        LendingSession l = new LendingSession("coop-borrower", offer, SharingCodecTest.GRANT, 0);
        l.onPathOpened(null);
        assertEquals(List.of(new LendingSession.SetQuota(125_000, 31_250, 1000)), l.onOffer(
                new SharingMessage.Offer(9, 2, 0, 0, 1000), LendingSession.Drain.of(20_000, 5_000, 5_000), 0));
        assertEquals(List.of(new LendingSession.SetQuota(250_000, 31_250, 1000)), l.onOffer(
                new SharingMessage.Offer(9, 3, 2_000, 0, 1000), LendingSession.Drain.of(20_000, 5_000, 5_000), 0),
                "an offer above the drain: the offer");
    }

    /**
     * What the sharing benchmark found: the sharer's own users took its download direction, the
     * offer went to 0 down but kept its idle upload, and the download quota stayed at the larger
     * rate, so the moved sessions kept 2 Mbit/s of the sharer's line they were no longer offered.
     */
    @Test
    void aWithdrawnDownloadOfferDropsTheDownloadQuotaToTheFloorWhateverTheUploadOffer() {
        LendingSession l = new LendingSession("coop-borrower", new SharingMessage.Offer(9, 1, 5_000, 5_000, 1000),
                SharingCodecTest.GRANT, 0);
        l.onPathOpened(null);
        List<Action> a = l.onOffer(new SharingMessage.Offer(9, 2, 0, 5_000, 1000), FLOOR, 0);
        assertEquals(List.of(new LendingSession.SetQuota(12_500, 625_000, 1000)), a);
        assertEquals(12_500, l.quotaBytes(), "the status shows the download quota");
        assertEquals(625_000, l.upQuotaBytes());
    }

    @Test
    void theLeaseAndTheReleaseCloseThePath() {
        LendingSession l = new LendingSession("coop-borrower", offer, SharingCodecTest.GRANT, 0);
        l.onPathOpened(null);
        l.onUse(1000 * MS);
        assertTrue(l.tick(5_900 * MS).isEmpty());
        List<Action> a = l.tick(6_000 * MS);
        assertEquals(new LendingSession.ClosePath(), a.get(0));
        assertEquals(State.CLOSED, l.state());

        LendingSession r = new LendingSession("coop-borrower", offer, SharingCodecTest.GRANT, 0);
        r.onPathOpened(null);
        a = r.onRelease();
        assertEquals(new LendingSession.ClosePath(), a.get(0));
        assertEquals(new LendingSession.Send(new SharingMessage.ReleaseAck(9)), a.get(2));
        assertEquals(List.of(new LendingSession.Send(new SharingMessage.ReleaseAck(9))), r.onRelease(),
                "a repeated RELEASE is answered again and closes nothing twice");
    }

    @Test
    void aFailedSetUpIsRefusedAndALatePathIsUndone() {
        LendingSession l = new LendingSession("coop-borrower", offer, SharingCodecTest.GRANT, 0);
        List<Action> a = l.onPathOpened("no free tunnel port");
        assertEquals(State.CLOSED, l.state());
        assertEquals(new LendingSession.Send(SharingMessage.Answer.refused(9, SharingMessage.Refusal.SETUP_FAILED,
                "no free tunnel port")), a.get(1));
        assertEquals(List.of(new LendingSession.ClosePath()), l.onPathOpened(null), "opened after all: closed again");
    }
}
