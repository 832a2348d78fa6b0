package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.measure.LinkHealth;
import net.coopwan.daemon.schedule.TokenBucket;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * Bandwidth sharing's per-packet variant on the real tunnel: a router bond with its own member
 * (sent from 127.0.0.1) and the standby member that goes through the sharer (from 127.0.0.2),
 * a concentrator, real UDP, sealing and both schedulers. While the sharer's offer is in force, the
 * bytes through its member in every window stay within {@code R x window + depth} both ways (up:
 * the router's bucket; down: the concentrator's, from CAPS), the rest goes on the own member and
 * nothing is lost; an offer of 0 empties the sharer's member at once.
 */
class SharedMemberLoopbackTest {
    static final int ROUTER = LoopbackBondTest.ROUTER;
    static final int SERVER = LoopbackBondTest.SERVER;
    static final int INNER = 1200;
    static final int DATAGRAM = INNER + TunnelHeader.OVERHEAD;
    static final long UP_KBPS = 2000;
    static final long DOWN_KBPS = 3000;
    static final long WINDOW_NS = 200_000_000L;

    private final TwoMemberLoopback loop = new TwoMemberLoopback();
    private final List<AutoCloseable> open = loop.open;
    private final MemoryTun routerTun = loop.routerTun;
    private final MemoryTun concTun = loop.concTun;

    @AfterEach
    void close() throws Exception {
        loop.close();
    }

    /** One counter reading and when it was taken. */
    record Sample(long atNs, long bytes) {
    }

    /**
     * Paces {@code packets} inner packets of {@link #INNER} bytes in bursts of 10 every 10 ms into
     * {@code tun} (about 1.2 MB/s, well above either cap) and reads {@code counter} after each burst.
     */
    static List<Sample> offer(MemoryTun tun, int src, int dst, int packets, LongSupplier counter, int seqFrom)
            throws InterruptedException {
        List<Sample> samples = new ArrayList<>();
        long next = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            tun.inject(MemoryTun.udp(src, dst, 40000 + (i % 8), 5201, INNER, seqFrom + i));
            if (i % 10 == 9) {
                samples.add(new Sample(System.nanoTime(), counter.getAsLong()));
                next += 10_000_000L;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        }
        samples.add(new Sample(System.nanoTime(), counter.getAsLong()));
        return samples;
    }

    /**
     * The most a window of at least {@link #WINDOW_NS} carried beyond its bound, over every pair
     * of samples that far apart. The bound: the bucket's {@code R x d + depth}, plus one datagram
     * (the sender may hold one packet picked before the first reading but counted after it), plus
     * the member's keep-alives at the rate measured while no data flowed.
     */
    static long worstExcess(List<Sample> s, long kbps, double controlBytesPerNs) {
        long rate = kbps * 125;
        long depth = TokenBucket.depthFor(rate);
        long worst = Long.MIN_VALUE;
        for (int i = 0; i < s.size(); i++) {
            for (int j = i + 1; j < s.size(); j++) {
                long d = s.get(j).atNs() - s.get(i).atNs();
                if (d < WINDOW_NS) {
                    continue;
                }
                long bytes = s.get(j).bytes() - s.get(i).bytes();
                long bound = rate * d / 1_000_000_000L + depth + DATAGRAM + (long) (2 * controlBytesPerNs * d) + 100;
                worst = Math.max(worst, bytes - bound);
            }
        }
        return worst;
    }

    @Test
    void theSharersMemberCarriesAtMostItsOfferPerWindowBothWaysAndNothingOnceTheOfferIs0() throws Exception {
        TwoMemberLoopback.Lab lab = loop.start(true);
        Concentrator c = lab.concentrator();
        BondDataPath p = lab.path();

        p.shareStandby("127.0.0.1", DOWN_KBPS, UP_KBPS);
        assertTrue(p.sharing());
        LoopbackBondTest.await("the sharer's member up", 5000, () -> p.linkState(1) == LinkHealth.State.UP);
        // what the member carries without data (keep-alives), for the bound's allowance
        long q0 = System.nanoTime();
        long b0 = p.txBytes(1);
        long d0 = c.txBytes("home1", 1);
        Thread.sleep(1000);
        long q1 = System.nanoTime();
        double upControl = (p.txBytes(1) - b0) / (double) (q1 - q0);
        double downControl = (c.txBytes("home1", 1) - d0) / (double) (q1 - q0);

        // up: 3000 packets, 1:1 weights would give the sharer half; its bucket allows about a fifth
        int n = 3000;
        long own0 = p.txBytes(0);
        long viaSharer0 = p.txBytes(1);
        List<Sample> up = offer(routerTun, ROUTER, SERVER, n, () -> p.txBytes(1), 0);
        for (int i = 0; i < n; i++) {
            assertNotNull(concTun.written.poll(5, TimeUnit.SECONDS), "upstream packet " + i + " of " + n + " arrived");
        }
        long upExcess = worstExcess(up, UP_KBPS, upControl);
        long viaSharer = p.txBytes(1) - viaSharer0;
        long own = p.txBytes(0) - own0;
        double seconds = (up.get(up.size() - 1).atNs() - up.get(0).atNs()) / 1e9;
        System.out.printf("up: %d B via the sharer (%.0f kbit/s, offer %d), %d B own, worst window %d B %s the bound%n",
                viaSharer, viaSharer * 8 / seconds / 1000, UP_KBPS, own, Math.abs(upExcess), upExcess > 0 ? "over" : "under");
        assertTrue(upExcess <= 0, "up: a window carried " + upExcess + " B over R x window + depth");
        assertTrue(viaSharer * 8 / seconds / 1000 > UP_KBPS / 2, "the sharer's member is used: " + viaSharer + " B");
        assertTrue(own > viaSharer * 2, "the overflow went on the own member: " + own + " B");

        // down: the concentrator caps the member at the downstream offer it was told in CAPS
        long downSharer0 = c.txBytes("home1", 1);
        List<Sample> down = offer(concTun, SERVER, ROUTER, n, () -> c.txBytes("home1", 1), 0);
        for (int i = 0; i < n; i++) {
            assertNotNull(routerTun.written.poll(5, TimeUnit.SECONDS), "downstream packet " + i + " of " + n + " arrived");
        }
        long downExcess = worstExcess(down, DOWN_KBPS, downControl);
        long downSharer = c.txBytes("home1", 1) - downSharer0;
        double downSeconds = (down.get(down.size() - 1).atNs() - down.get(0).atNs()) / 1e9;
        System.out.printf("down: %d B via the sharer (%.0f kbit/s, offer %d), worst window %d B %s the bound%n",
                downSharer, downSharer * 8 / downSeconds / 1000, DOWN_KBPS, Math.abs(downExcess),
                downExcess > 0 ? "over" : "under");
        assertTrue(downExcess <= 0, "down: a window carried " + downExcess + " B over R x window + depth");
        assertTrue(downSharer * 8 / downSeconds / 1000 > DOWN_KBPS / 2, "the sharer's member is used down: " + downSharer);

        // offer 0: no data packet through the sharer's member from the next one on
        p.unshareStandby("offer 0");
        long afterUp = p.txBytes(1);
        for (int i = 0; i < 300; i++) {
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40000, 5201, INNER, n + i));
        }
        for (int i = 0; i < 300; i++) {
            assertNotNull(concTun.written.poll(5, TimeUnit.SECONDS), "packet " + i + " after offer 0 arrived");
        }
        assertTrue(p.txBytes(1) - afterUp < DATAGRAM, "no data packet via the sharer after offer 0: "
                + (p.txBytes(1) - afterUp) + " B");
        Thread.sleep(100); // CAPS 0 goes at the next tick (10 ms)
        long afterDown = c.txBytes("home1", 1);
        for (int i = 0; i < 300; i++) {
            concTun.inject(MemoryTun.udp(SERVER, ROUTER, 5201, 40000, INNER, n + i));
        }
        for (int i = 0; i < 300; i++) {
            assertNotNull(routerTun.written.poll(5, TimeUnit.SECONDS), "return packet " + i + " after offer 0 arrived");
        }
        assertEquals(afterDown, c.txBytes("home1", 1), "the concentrator sends nothing via the sharer after offer 0");
    }
}
