package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The kernel's byte-mode nftables limit (net/netfilter/nft_limit.c) as a model, fed random packet
 * sequences; a plain counter over every sliding window checks that what it passes never exceeds
 * the quota. The model copies the kernel's integer arithmetic: tokens in nanoseconds, cost
 * {@code floor(1e9 * len / rate)}, depth {@code floor(1e9 * (rate + burst) / rate)}, full at start,
 * no tokens taken by a packet over the limit.
 */
class EmergencyTokenBucketModelTest {

    static final class KernelLimit {
        private final long rate;
        private final long tokensMax;
        private long tokens;
        private long last;

        KernelLimit(long rate, long burst, long now) {
            this.rate = rate;
            this.tokensMax = 1_000_000_000L * (rate + burst) / rate;
            this.tokens = tokensMax;
            this.last = now;
        }

        /** True when the packet passes (the "limit rate over" rule does not match). */
        boolean pass(long now, int len) {
            long cost = 1_000_000_000L * len / rate;
            long t = Math.min(tokens + now - last, tokensMax);
            last = now;
            if (t - cost >= 0) {
                tokens = t - cost;
                return true;
            }
            tokens = t;
            return false;
        }
    }

    record Packet(long atNs, int len) {
    }

    /** The most bytes in any window [t, t + T) of the passed packets (a window's maximum starts at a packet). */
    static long maxWindow(List<Packet> passed, long windowNs) {
        long max = 0;
        long sum = 0;
        int head = 0;
        for (Packet p : passed) {
            sum += p.len();
            while (passed.get(head).atNs() <= p.atNs() - windowNs) {
                sum -= passed.get(head++).len();
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    static List<Packet> run(EmergencyQuota q, Random rnd, int packets, double load) {
        KernelLimit limit = new KernelLimit(q.rateBytesPerSecond(), q.burstBytes(), 0);
        double quotaRate = q.quotaBytes() * 1000.0 / q.windowMs(); // bytes per second the quota allows
        List<Packet> passed = new ArrayList<>();
        long now = 0;
        boolean tiny = rnd.nextInt(4) == 0; // the worst case for rounding: minimal IPv4 packets
        for (int i = 0; i < packets; i++) {
            int len = tiny ? 20 : rnd.nextInt(3) == 0 ? 1500 : 20 + rnd.nextInt(1481);
            double meanGap = len / (quotaRate * load);
            // bursts (many at once), idle gaps (refill), and Poisson-ish arrivals in between
            long gap = switch (rnd.nextInt(10)) {
                case 0 -> 0;
                case 1 -> (long) (rnd.nextDouble() * q.windowMs() * 2e6);
                default -> (long) (-Math.log(1 - rnd.nextDouble()) * meanGap * 1e9);
            };
            now += gap;
            if (limit.pass(now, len)) {
                passed.add(new Packet(now, len));
            }
        }
        return passed;
    }

    @Test
    void noSlidingWindowCarriesMoreThanTheQuota() {
        Random rnd = new Random(330);
        double maxFraction = 0;
        long windows = 0;
        for (int round = 0; round < 300; round++) {
            long windowMs = new long[] {100, 1000, 10_000}[round % 3];
            long quota = (long) (EmergencyQuota.MTU * (1 + windowMs / 1000.0) * (2 + rnd.nextDouble() * 3000));
            EmergencyQuota q = new EmergencyQuota(quota, windowMs);
            List<Packet> passed = run(q, rnd, 20_000, 0.5 + rnd.nextDouble() * 20);
            long max = maxWindow(passed, windowMs * 1_000_000L);
            windows += passed.size();
            maxFraction = Math.max(maxFraction, (double) max / quota);
            assertTrue(max <= quota, "quota " + quota + " per " + windowMs + " ms, a window carried " + max);
        }
        System.out.printf("token-bucket model: %d windows checked, max %.4f of the quota%n", windows, maxFraction);
        assertTrue(maxFraction > 0.8, "the bound is tight enough to be useful: " + maxFraction);
    }

    /** Why not the textbook b + r*T with b = quota/10: the kernel's bucket holds a second of rate more. */
    @Test
    void textbookParametersWouldBreakTheWindowOnThisKernel() {
        long quota = 62_500;
        long windowMs = 100;
        long burst = quota / 10;
        long rate = (quota - burst) * 1000 / windowMs; // b + r*T == quota on paper
        KernelLimit limit = new KernelLimit(rate, burst, 0);
        long sent = 0;
        for (long t = 0; t < windowMs * 1_000_000L; t += 10_000) {
            if (limit.pass(t, 1500)) {
                sent += 1500;
            }
        }
        assertTrue(sent > 5 * quota, "a full bucket alone lets " + sent + " bytes through in one window");
    }
}
