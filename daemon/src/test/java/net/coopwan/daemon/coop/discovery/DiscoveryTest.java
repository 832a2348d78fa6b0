package net.coopwan.daemon.coop.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationOffer;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.ParameterRange;
import net.coopwan.config.PeerLink;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.NearbyRouter;
import net.coopwan.daemon.coop.advert.AdvertCodec;
import net.coopwan.daemon.coop.advert.AdvertInfo;
import net.coopwan.daemon.coop.advert.AdvertTag;
import net.coopwan.daemon.coop.advert.CooperationType;
import net.coopwan.daemon.coop.advert.DropReason;
import net.coopwan.daemon.coop.advert.UplinkType;
import net.coopwan.daemon.testing.ManualClock;

/** The receive path and the status without sockets: datagrams are handed to {@link Discovery#handle}. */
class DiscoveryTest {
    static final long S = 1_000_000_000L;
    static final InetAddress ME = NearbyRoutersTest.addr("100.64.77.1");
    static final InetAddress OTHER = NearbyRoutersTest.addr("100.64.77.2");

    final ManualClock clock = new ManualClock();
    final AtomicLong nanos = new AtomicLong(5 * S);
    final List<String> log = new ArrayList<>();

    static CoopwanConfig config(boolean emergencyOn) {
        CoopwanConfig d = ConfigLoader.defaults();
        List<CooperationOffer> offers = List.of(
                new CooperationOffer("emergency", net.coopwan.config.CooperationType.EMERGENCY, emergencyOn,
                        Map.of("bandwidth_kbps", new ParameterRange(1000, 20000))),
                new CooperationOffer("dup", net.coopwan.config.CooperationType.DUPLICATION, true, Map.of()));
        return new CoopwanConfig(d.global(), List.of(new Uplink("wan", "eth1", true, 1_000_000, 300_000, null, "cable")),
                new PeerLink(true, "cwdnone0", 4790), offers, d.web(), d.snmp(), List.of());
    }

    Discovery discovery() {
        return new Discovery(config(true), log::add, clock, nanos::get, new Random(42), ME::equals);
    }

    static byte[] beacon(int nonce) {
        AdvertInfo i = new AdvertInfo(true, EnumSet.of(CooperationType.BANDWIDTH_SHARING), UplinkType.FIBRE, 10, 9, 2,
                nonce, 0);
        return AdvertCodec.encodeBeacon(i, AdvertTag.checksum());
    }

    @Test
    void ownAdvertFromTheConfig() {
        Discovery d = discovery();
        AdvertInfo i = d.info();
        assertTrue(i.willing());
        assertEquals(EnumSet.of(CooperationType.EMERGENCY_CONNECTION, CooperationType.LC_DUPLICATION), i.offered());
        assertEquals(UplinkType.CABLE, i.uplinkType(), "the first uplink's configured type");
        // the config's names are the advert's codes in order: each code has its name
        assertEquals(Uplink.TYPES, java.util.Arrays.stream(UplinkType.values())
                .map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).toList());
        assertEquals(10, i.downstreamClass()); // 1 Gbit/s
        assertEquals(9, i.upstreamClass()); // 300 Mbit/s
        assertEquals(d.nonce(), i.nonce());
        // the generation follows the offers, not the nonce
        assertEquals(i.generation(), OwnAdvert.of(config(true), 99).generation());
        AdvertInfo off = OwnAdvert.of(config(false), d.nonce());
        assertEquals(EnumSet.of(CooperationType.LC_DUPLICATION), off.offered());
        CoopwanConfig none = ConfigLoader.defaults();
        assertFalse(OwnAdvert.of(none, 1).willing());
        assertEquals(0, OwnAdvert.of(none, 1).downstreamClass());
    }

    @Test
    void anAdvertFromAnotherRouterIsListedAndLoggedOnce() {
        Discovery d = discovery();
        byte[] b = beacon(0xBEEF);
        d.handle(b, 0, b.length, OTHER, nanos.get());
        nanos.addAndGet(2 * S);
        clock.advance(java.time.Duration.ofSeconds(2));
        d.handle(b, 0, b.length, OTHER, nanos.get());
        DiscoveryStatus s = d.status();
        assertEquals(1, s.routers().size());
        NearbyRouter r = s.routers().get(0);
        assertEquals("100.64.77.2", r.address());
        assertEquals("beef", r.nonce());
        assertEquals(List.of("bandwidth_sharing"), r.offers());
        assertEquals("fibre", r.uplinkType());
        assertEquals("512-1023 Mbit/s", r.downstream());
        assertEquals("256-511 Mbit/s", r.upstream());
        assertEquals(2, r.adverts());
        assertEquals(clock.instant(), r.lastSeen());
        assertEquals(clock.instant().minusSeconds(2), r.firstSeen());
        assertEquals(2, s.advertsReceived());
        assertEquals(Discovery.hex(d.nonce()), s.nonce());
        assertEquals(List.of("emergency", "duplication"), s.offers());
        assertEquals(List.of("peer link: router beef (100.64.77.2) seen, offers [bandwidth_sharing]"), log);

        nanos.addAndGet(7 * S);
        d.tick(); // no device cwdnone0: waits, and expires the table
        assertEquals(0, d.status().routers().size());
        assertTrue(log.contains("peer link: router beef (100.64.77.2) gone (not heard for 7 s)"), log.toString());
        assertTrue(d.status().state().startsWith("waiting for cwdnone0: no interface cwdnone0"), d.status().state());
    }

    @Test
    void ourOwnAdvertLoopedBackIsNotListed() {
        Discovery d = discovery();
        byte[] own = AdvertCodec.encodeBeacon(d.info(), AdvertTag.checksum());
        d.handle(own, 0, own.length, ME, nanos.get());
        assertEquals(0, d.status().routers().size());
        assertEquals(1, d.status().ownAdverts());
        assertEquals(0, d.status().advertsReceived());
        assertTrue(log.isEmpty());
    }

    @Test
    void forgedAndGarbageDatagramsAreCountedDropsAndNeverListed() {
        Discovery d = discovery();
        byte[] forged = beacon(0x0BAD);
        forged[15] ^= 1; // wrong tag
        d.handle(forged, 0, forged.length, OTHER, nanos.get());
        assertEquals(1, d.drops().get(DropReason.CHECKSUM_MISMATCH));
        byte[] keyed = AdvertCodec.encodeBeacon(d.info(), AdvertTag.keyed(new byte[16]));
        d.handle(keyed, 0, keyed.length, OTHER, nanos.get());
        assertEquals(1, d.drops().get(DropReason.TAG_MODE_MISMATCH));

        Random rnd = new Random(7);
        byte[] good = beacon(0x1111);
        int n = 5000;
        for (int i = 0; i < n; i++) {
            byte[] buf = new byte[rnd.nextInt(40)];
            rnd.nextBytes(buf);
            if (i % 2 == 0 && buf.length >= 5) {
                System.arraycopy(good, 0, buf, 0, Math.min(buf.length, 10 + rnd.nextInt(7))); // looks like ours
                buf[4 + rnd.nextInt(Math.max(1, Math.min(buf.length, 16) - 4))] ^= (byte) (1 + rnd.nextInt(255));
            }
            d.handle(buf, 0, buf.length, OTHER, nanos.get());
        }
        DiscoveryStatus s = d.status();
        assertEquals(0, s.routers().size(), s.routers().toString());
        assertEquals(n + 2, s.datagrams());
        assertEquals(n + 2, s.dropsTotal());
        assertEquals(0, d.failures());
        assertTrue(s.drops().get("BAD_MAGIC") > 0 && s.drops().get("CHECKSUM_MISMATCH") > 1
                && s.drops().get("TRUNCATED") > 0, s.drops().toString());
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aFloodOfValidMadeUpRoutersIsBoundedAndLogsAtMostTheBudget() {
        Discovery d = discovery();
        for (int i = 0; i < 1000; i++) {
            byte[] b = beacon(i);
            d.handle(b, 0, b.length, NearbyRoutersTest.addr("100.64.78." + (i % 250)), nanos.get());
        }
        DiscoveryStatus s = d.status();
        assertEquals(NearbyRouters.DEFAULT_CAPACITY, s.routers().size());
        assertEquals(1000 - NearbyRouters.DEFAULT_CAPACITY, s.evictions());
        assertEquals(Discovery.LOG_BUDGET, log.size());
        nanos.addAndGet(Discovery.LOG_WINDOW_MS * 1_000_000L);
        byte[] b = beacon(0xF00D);
        d.handle(b, 0, b.length, OTHER, nanos.get());
        assertTrue(log.get(log.size() - 1).endsWith("(" + (1000 - Discovery.LOG_BUDGET) + " earlier line(s) suppressed)"),
                log.get(log.size() - 1));
    }

    @Test
    void aReloadWithOtherOffersChangesTheAdvertButNotTheNonce() {
        Discovery d = discovery();
        int nonce = d.nonce();
        d.update(config(false));
        assertEquals(nonce, d.info().nonce());
        assertEquals(EnumSet.of(CooperationType.LC_DUPLICATION), d.info().offered());
    }

    @Test
    void offStatusOfTheApi() {
        DiscoveryStatus off = DiscoveryStatus.off("br-coop", 4790);
        assertFalse(off.enabled());
        assertEquals(0, off.routers().size());
    }
}
