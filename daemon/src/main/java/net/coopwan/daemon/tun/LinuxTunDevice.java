package net.coopwan.daemon.tun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** An open TUN made by {@link LinuxTunDevices}. */
final class LinuxTunDevice implements TunDevice {

    private final String name;
    private final int ifIndex;
    private volatile int fd;
    /** struct pollfd of the one reading thread (one reader per device). */
    private final byte[] pollfd = new byte[8];

    LinuxTunDevice(String name, int fd, int ifIndex) {
        this.name = name;
        this.fd = fd;
        this.ifIndex = ifIndex;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ifIndex() {
        return ifIndex;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void setMtu(int mtu) throws IOException {
        byte[] ifr = LinuxTunDevices.ifreq(name.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putInt(LinuxTunDevices.IFNAMSIZ, mtu);
        interfaceIoctl(LinuxTunDevices.SIOCSIFMTU, ifr, "set MTU " + mtu);
    }

    @Override
    public void setUp(boolean up) throws IOException {
        byte[] ifr = LinuxTunDevices.ifreq(name.getBytes(StandardCharsets.US_ASCII));
        interfaceIoctl(LinuxTunDevices.SIOCGIFFLAGS, ifr, "read flags");
        ByteBuffer b = ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder());
        short flags = b.getShort(LinuxTunDevices.IFNAMSIZ);
        flags = (short) (up ? flags | LinuxTunDevices.IFF_UP : flags & ~LinuxTunDevices.IFF_UP);
        b.putShort(LinuxTunDevices.IFNAMSIZ, flags);
        interfaceIoctl(LinuxTunDevices.SIOCSIFFLAGS, ifr, up ? "bring up" : "bring down");
    }

    /** Interface ioctls go to a socket, not the TUN fd; one short-lived socket per call (rare calls). */
    private void interfaceIoctl(long request, byte[] ifr, String what) throws IOException {
        ensureOpen();
        LibC c = LinuxTunDevices.libc(name);
        int s = c.socket(LinuxTunDevices.AF_INET, LinuxTunDevices.SOCK_DGRAM, 0);
        if (s < 0) {
            throw new IOException("interface '" + name + "': cannot " + what + ": socket: "
                    + LinuxTunDevices.describe(LinuxTunDevices.errno()));
        }
        try {
            if (c.ioctl(s, request, ifr) < 0) {
                int e = LinuxTunDevices.errno();
                String why = e == LinuxTunDevices.EINVAL && request == LinuxTunDevices.SIOCSIFMTU
                        ? "the kernel refused the value" : LinuxTunDevices.describe(e);
                throw new IOException("interface '" + name + "': cannot " + what + ": " + why);
            }
        } finally {
            c.close(s);
        }
    }

    @Override
    public int read(ByteBuffer dst, int timeoutMillis) throws IOException {
        requireDirect(dst);
        LibC c = LinuxTunDevices.libc(name);
        while (true) {
            int f = ensureOpen();
            long n = c.read(f, dst, dst.remaining());
            if (n >= 0) {
                dst.position(dst.position() + (int) n);
                return (int) n;
            }
            int e = LinuxTunDevices.errno();
            if (e == LinuxTunDevices.EINTR) {
                continue;
            }
            if (e != LinuxTunDevices.EAGAIN) {
                throw new IOException("interface '" + name + "': read: " + LinuxTunDevices.describe(e));
            }
            // Nothing queued: wait in poll(). Under load the read above succeeds and poll is
            // never called, so an idle wait costs a syscall but a busy path does not.
            ByteBuffer.wrap(pollfd).order(java.nio.ByteOrder.nativeOrder())
                    .putInt(0, f).putShort(4, LinuxTunDevices.POLLIN).putShort(6, (short) 0);
            int r = c.poll(pollfd, 1, timeoutMillis);
            if (r == 0) {
                return 0;
            }
            if (r < 0 && LinuxTunDevices.errno() != LinuxTunDevices.EINTR) {
                throw new IOException("interface '" + name + "': poll: " + LinuxTunDevices.describe(LinuxTunDevices.errno()));
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        requireDirect(src);
        int f = ensureOpen();
        long n = LinuxTunDevices.libc(name).write(f, src, src.remaining());
        if (n < 0 && LinuxTunDevices.errno() == LinuxTunDevices.EAGAIN) {
            return 0; // the kernel's queue is full: the packet is dropped, as a full NIC ring would
        }
        if (n < 0) {
            throw new IOException("interface '" + name + "': write: " + LinuxTunDevices.describe(LinuxTunDevices.errno()));
        }
        src.position(src.position() + (int) n);
        return (int) n;
    }

    private static void requireDirect(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("TUN reads and writes need a direct buffer");
        }
    }

    private int ensureOpen() throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException("interface '" + name + "' is closed");
        }
        return f;
    }

    @Override
    public synchronized void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            try {
                LinuxTunDevices.libc(name).close(f);
            } catch (IOException e) {
                // Only reachable when libc never loaded, and then no fd was ever opened.
            }
        }
    }

    @Override
    public String toString() {
        return "tun " + name + " (ifindex " + ifIndex + ", fd " + fd + ")";
    }
}
