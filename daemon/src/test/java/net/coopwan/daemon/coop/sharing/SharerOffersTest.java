package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Offers per borrower: the spare divided, each capped by its agreement, seq only on a change. */
class SharerOffersTest {

    @Test
    void eachBorrowerGetsItsPartCappedByItsAgreement() {
        SharerOffers o = new SharerOffers(0x1234, 1000);
        SharerOffers.Caps generous = new SharerOffers.Caps(50_000, 100);
        SharerOffers.Caps modest = new SharerOffers.Caps(2_000, 10);
        // spare 8 000 down / 800 up on a 20 000 / 2 000 line, two borrowers
        assertEquals(new SharingMessage.Offer(0x1234, 1, 4_000, 400, 1000), o.offer("b1", generous, 8_000, 800, 20_000, 2_000, 2));
        // 10 % of 20 000 = 2 000 and the agreed 2 000 down; 10 % of 2 000 = 200 up
        assertEquals(new SharingMessage.Offer(0x1234, 1, 2_000, 200, 1000), o.offer("b2", modest, 8_000, 800, 20_000, 2_000, 2));
    }

    @Test
    void seqChangesOnlyWithTheValuesAndAnUnknownCapacityOffersNothing() {
        SharerOffers o = new SharerOffers(7, 1000);
        SharerOffers.Caps c = new SharerOffers.Caps(5_000, 50);
        assertEquals(1, o.offer("b", c, 3_000, 300, 10_000, 1_000, 1).seq());
        assertEquals(1, o.offer("b", c, 3_000, 300, 10_000, 1_000, 1).seq(), "repeated: same seq");
        SharingMessage.Offer none = o.offer("b", c, 0, 0, 10_000, 1_000, 1);
        assertEquals(2, none.seq());
        assertEquals(true, none.none(), "the seed's no bandwidth available");
        assertEquals(0, o.offer("x", c, 3_000, 300, 0, 0, 1).downKbps(), "capacity unknown");
    }
}
