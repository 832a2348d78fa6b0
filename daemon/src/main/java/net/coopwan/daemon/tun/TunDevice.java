package net.coopwan.daemon.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open TUN interface. Closing it removes the interface (it is not persistent). Reads and
 * writes move exactly one IP packet per call.
 */
public interface TunDevice extends AutoCloseable {

    /** The interface name. */
    String name();

    /** The kernel's ifindex (IF-MIB ifIndex), read when the device was opened. */
    int ifIndex();

    /** The file descriptor of the open /dev/net/tun, -1 once closed (or for devices without one). */
    int fd();

    /** Sets the interface MTU. @throws IOException naming the interface */
    void setMtu(int mtu) throws IOException;

    /** Sets or clears IFF_UP. @throws IOException naming the interface */
    void setUp(boolean up) throws IOException;

    /**
     * Reads one packet into the direct buffer DST at its position, waiting at most
     * {@code timeoutMillis}; advances the position by the packet's length and returns it, or
     * returns 0 when no packet came (so a reader thread can notice that it should stop). A packet
     * longer than the space remaining is truncated.
     */
    int read(ByteBuffer dst, int timeoutMillis) throws IOException;

    /** As {@link #read(ByteBuffer, int)} but waits until a packet comes (or the device closes). */
    default int read(ByteBuffer dst) throws IOException {
        while (true) {
            int n = read(dst, 250);
            if (n > 0) {
                return n;
            }
        }
    }

    /**
     * Writes the bytes from the direct buffer SRC's position to its limit as one packet; advances
     * the position and returns the count, or returns 0 (position unchanged) when the kernel's
     * queue is full and the packet was dropped.
     */
    int write(ByteBuffer src) throws IOException;

    /** Removes the interface. Idempotent; never throws. */
    @Override
    void close();
}
