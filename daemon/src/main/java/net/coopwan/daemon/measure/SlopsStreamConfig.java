package net.coopwan.daemon.measure;

/**
 * Shape of one SLoPS stream (S2: K packets of L bits, one every T, so R = L / T). The seed gives
 * no value for K, L or T; these defaults are ours.
 *
 * @param packets K, default 100: pathload's stream length. The stream must be long enough for a
 *     queue to build visibly at R &gt; A and for the trend test to have Γ = 10 groups of 10, and
 *     short enough not to disturb user traffic: at R = 3.6 Mbit/s, 100 packets of 1000 bytes
 *     take 0.22 s
 * @param packetBits L, default 8000 (1000 bytes): fits in a tunnel MTU without fragmentation,
 *     and large packets keep T long enough at high rates for a user-space sender to hit it
 *     (T = 160 us at 50 Mbit/s). Cost: one stream is K*L = 100 kB, a 6-stream run 0.6 MB per link
 * @param minPacketBits smallest allowed L, default 512 (64 bytes): the probe carries its index
 *     and a send timestamp
 * @param maxLostFraction the receiver calls a stream LOST when more than this fraction of its K
 *     probes never arrived; default 0.2: a few percent random loss is normal on a mobile link,
 *     a fifth missing means the stream overflowed a queue
 */
public record SlopsStreamConfig(int packets, long packetBits, long minPacketBits, double maxLostFraction) {
    public static final SlopsStreamConfig DEFAULT = new SlopsStreamConfig(100, 8000, 512, 0.2);

    public SlopsStreamConfig {
        if (packets < 16 || packets > 10_000) {
            throw new IllegalArgumentException("packets (K) must be in 16..10000: " + packets);
        }
        if (minPacketBits < 512) {
            throw new IllegalArgumentException("minPacketBits must be >= 512: " + minPacketBits);
        }
        if (packetBits < minPacketBits || packetBits > 65_000L * 8) {
            throw new IllegalArgumentException("packetBits (L) must be in minPacketBits..520000: " + packetBits);
        }
        if (!(maxLostFraction >= 0 && maxLostFraction < 1)) {
            throw new IllegalArgumentException("maxLostFraction must be in [0, 1): " + maxLostFraction);
        }
    }
}
