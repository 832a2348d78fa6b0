package net.coopwan.daemon.coop.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.advert.AdvertInfo;
import net.coopwan.daemon.coop.advert.CooperationType;
import net.coopwan.daemon.coop.advert.UplinkType;

class NearbyRoutersTest {
    static final long S = 1_000_000_000L;
    static final int OWN = 0x1234;
    static final InetAddress ME = addr("100.64.77.1");
    static final InetAddress OTHER = addr("100.64.77.2");

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static AdvertInfo info(int nonce, Set<CooperationType> offered) {
        return new AdvertInfo(!offered.isEmpty(), offered, UplinkType.UNKNOWN, 10, 8, 3, nonce, 0);
    }

    static NearbyRouters table() {
        return NearbyRouters.withDefaults(OWN, ME::equals);
    }

    @Test
    void aRouterIsListedUntilSevenSecondsWithoutAdvert() {
        NearbyRouters t = table();
        long t0 = 123_456_789L;
        AdvertInfo i = info(0xBEEF, EnumSet.of(CooperationType.EMERGENCY_CONNECTION));
        assertEquals(NearbyRouters.Outcome.NEW, t.heard(OTHER, i, t0));
        assertEquals(NearbyRouters.Outcome.REFRESHED, t.heard(OTHER, i, t0 + 2 * S));
        assertEquals(List.of(), t.expire(t0 + 8 * S + S / 2));
        assertEquals(1, t.snapshot(t0 + 9 * S - 1).size());
        NearbyRouters.Entry e = t.snapshot(t0 + 3 * S).get(0);
        assertEquals(t0, e.firstHeardNanos());
        assertEquals(t0 + 2 * S, e.lastHeardNanos());
        assertEquals(2, e.adverts());
        // 7 s after the last advert it is gone, from the snapshot at once and from the table by expire
        assertEquals(0, t.snapshot(t0 + 9 * S).size());
        List<NearbyRouters.Entry> gone = t.expire(t0 + 9 * S);
        assertEquals(1, gone.size());
        assertEquals(0xBEEF, gone.get(0).key().nonce());
        assertEquals(0, t.size());
        // heard again: a new life, counted from 1
        assertEquals(NearbyRouters.Outcome.NEW, t.heard(OTHER, i, t0 + 10 * S));
        assertEquals(1, t.snapshot(t0 + 10 * S).get(0).adverts());
    }

    @Test
    void expiryWorksAcrossTheNanoTimeWrap() {
        NearbyRouters t = table();
        long t0 = Long.MAX_VALUE - S;
        t.heard(OTHER, info(1, Set.of()), t0);
        assertEquals(1, t.snapshot(t0 + 6 * S).size()); // wrapped to negative
        assertEquals(1, t.expire(t0 + 7 * S).size());
    }

    @Test
    void aChangedAdvertIsReportedAndKeepsTheEntry() {
        NearbyRouters t = table();
        t.heard(OTHER, info(7, Set.of()), 0);
        assertEquals(NearbyRouters.Outcome.CHANGED, t.heard(OTHER, info(7, EnumSet.of(CooperationType.SUPPRESSION)), S));
        assertEquals(1, t.size());
        assertTrue(t.snapshot(S).get(0).info().offers(CooperationType.SUPPRESSION));
    }

    @Test
    void ownAdvertIsIgnoredButOurNonceFromAnotherAddressIsAnotherRouter() {
        NearbyRouters t = table();
        assertEquals(NearbyRouters.Outcome.OWN, t.heard(ME, info(OWN, Set.of()), 0));
        assertEquals(0, t.size());
        assertEquals(1, t.ownAdverts());
        assertEquals(NearbyRouters.Outcome.NEW, t.heard(OTHER, info(OWN, Set.of()), 0));
        // another nonce from our own address (a second instance on this host) is listed too
        assertEquals(NearbyRouters.Outcome.NEW, t.heard(ME, info(OWN + 1, Set.of()), 0));
        assertEquals(2, t.size());
    }

    @Test
    void twoRoutersBehindOneAddressAreTwoEntries() {
        NearbyRouters t = table();
        t.heard(OTHER, info(1, Set.of()), 0);
        t.heard(OTHER, info(2, Set.of()), 0);
        assertEquals(2, t.snapshot(0).size());
    }

    @Test
    void aFloodOfMadeUpRoutersStaysWithinCapacityAndEvictsTheStalest() {
        NearbyRouters t = new NearbyRouters(64, 7 * S, OWN, ME::equals);
        long now = 0;
        int added = 0;
        t.heard(OTHER, info(0xAAAA, Set.of()), now); // the real neighbour
        added++;
        for (int i = 0; i < 10_000; i++) {
            now += 100_000; // 10 000 forged adverts a second, each a new router
            if (i % 1000 == 0) {
                // the neighbour keeps advertising; at this rate of forgeries it is evicted in between
                added += t.heard(OTHER, info(0xAAAA, Set.of()), now) == NearbyRouters.Outcome.NEW ? 1 : 0;
            }
            InetAddress a = addr("100.64." + (i >> 8 & 0xFF) + "." + (i & 0xFF));
            assertEquals(NearbyRouters.Outcome.NEW, t.heard(a, info(i & 0xFFFF, Set.of()), now));
            added++;
            assertTrue(t.size() <= 64);
        }
        assertEquals(64, t.size());
        assertEquals(added - 64, t.evictions());
    }

    @Test
    void aNeighbourThatKeepsAdvertisingSurvivesASlowFlood() {
        NearbyRouters t = new NearbyRouters(64, 7 * S, OWN, ME::equals);
        long now = 0;
        for (int i = 0; i < 2000; i++) {
            now += 50_000_000L; // 20 forged routers a second, each heard once
            if (i % 40 == 0) {
                t.heard(OTHER, info(0xAAAA, Set.of()), now); // every 2 s
            }
            t.heard(addr("100.65." + (i >> 8 & 0xFF) + "." + (i & 0xFF)), info(i, Set.of()), now);
            assertTrue(t.snapshot(now).stream().anyMatch(e -> e.key().nonce() == 0xAAAA));
        }
    }

    @Test
    void expiredEntriesMakeRoomBeforeAnyEviction() {
        NearbyRouters t = new NearbyRouters(2, 7 * S, OWN, ME::equals);
        t.heard(addr("100.64.0.1"), info(1, Set.of()), 0);
        t.heard(addr("100.64.0.2"), info(2, Set.of()), 0);
        t.heard(addr("100.64.0.3"), info(3, Set.of()), 8 * S);
        assertEquals(0, t.evictions());
        assertEquals(1, t.size());
    }
}
