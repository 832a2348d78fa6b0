package net.coopwan.daemon.datapath;

import java.util.concurrent.atomic.AtomicLongArray;

/** Packets and bytes per member link and direction, plus send failures; readable from any thread. */
final class LinkCounters {
    private static final int TX_PACKETS = 0;
    private static final int TX_BYTES = 1;
    private static final int RX_PACKETS = 2;
    private static final int RX_BYTES = 3;
    private static final int TX_FAILED = 4;
    private static final int N = 5;
    private final AtomicLongArray c;

    LinkCounters(int links) {
        c = new AtomicLongArray(links * N);
    }

    void sent(int link, int bytes) {
        c.incrementAndGet(link * N + TX_PACKETS);
        c.addAndGet(link * N + TX_BYTES, bytes);
    }

    void sendFailed(int link) {
        c.incrementAndGet(link * N + TX_FAILED);
    }

    void received(int link, int bytes) {
        c.incrementAndGet(link * N + RX_PACKETS);
        c.addAndGet(link * N + RX_BYTES, bytes);
    }

    long txPackets(int link) {
        return c.get(link * N + TX_PACKETS);
    }

    long txBytes(int link) {
        return c.get(link * N + TX_BYTES);
    }

    long rxPackets(int link) {
        return c.get(link * N + RX_PACKETS);
    }

    long rxBytes(int link) {
        return c.get(link * N + RX_BYTES);
    }

    long txFailed(int link) {
        return c.get(link * N + TX_FAILED);
    }
}
