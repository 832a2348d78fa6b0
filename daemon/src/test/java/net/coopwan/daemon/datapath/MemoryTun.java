package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import net.coopwan.daemon.tun.TunDevice;

/**
 * A TUN device in memory, for data-path tests on loopback: {@link #inject} queues a packet as if
 * the kernel routed it into the interface (the data path reads it); what the data path writes
 * ends up in {@link #written}. A fake of the OS, behind the same interface as the real TUN.
 */
class MemoryTun implements TunDevice {
    private final String name;
    private final LinkedBlockingQueue<byte[]> toRead = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    MemoryTun(String name) {
        this.name = name;
    }

    void inject(byte[] packet) {
        toRead.add(packet);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ifIndex() {
        return 0;
    }

    @Override
    public int fd() {
        return -1;
    }

    @Override
    public void setMtu(int mtu) {
    }

    @Override
    public void setUp(boolean up) {
    }

    @Override
    public int read(ByteBuffer dst, int timeoutMillis) throws IOException {
        if (closed) {
            throw new IOException("interface '" + name + "' is closed");
        }
        try {
            byte[] p = toRead.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (p == null) {
                return 0;
            }
            dst.put(p);
            return p.length;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    @Override
    public int write(ByteBuffer src) {
        byte[] p = new byte[src.remaining()];
        src.get(p);
        written.add(p);
        return p.length;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** An IPv4/UDP packet of {@code size} bytes whose payload starts with {@code n} (4 bytes). */
    static byte[] udp(int src, int dst, int srcPort, int dstPort, int size, int n) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) 0x45).put((byte) 0).putShort((short) size).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
        b.putInt(src).putInt(dst);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (size - 20)).putShort((short) 0);
        b.putInt(n);
        return b.array();
    }

    static int seqOf(byte[] udpPacket) {
        return ByteBuffer.wrap(udpPacket).getInt(28);
    }

    static int addr(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
