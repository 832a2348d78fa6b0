package net.coopwan.daemon.uplink.failure;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import net.coopwan.daemon.libc.NativeLibrary;

/**
 * An AF_INET socket bound to one device with SO_BINDTODEVICE, used without blocking (every send
 * and receive passes MSG_DONTWAIT). Bound to the device, a probe leaves through the uplink even
 * when LAN traffic is policy-routed elsewhere; when no route through that device matches, the
 * kernel treats the destination as on-link, so with a gateway on an Ethernet uplink also pass
 * the uplink's own address as source, which selects its routing table through the source rule
 * of {@code steer}. Constants are Linux's, with the ones that differ on MIPS and SPARC chosen
 * by {@code os.arch} (as in {@code tun.LinuxTunDevices}). One thread at a time. Public for the
 * other raw-socket prober of the daemon, the common-ISP trace ({@code coop.commonisp}).
 */
public final class ProbeSocket implements Closeable {

    public static final int AF_INET = 2;
    public static final int SOCK_RAW = 3;
    public static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_UDP = 17;
    public static final int SOL_RAW = 255;
    public static final int ICMP_FILTER = 1;
    static final int MSG_DONTWAIT = 0x40;
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int IFNAMSIZ = 16;

    private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    private static final boolean MIPS = ARCH.startsWith("mips");
    private static final boolean SPARC = ARCH.startsWith("sparc");
    /** MIPS swapped SOCK_STREAM and SOCK_DGRAM. */
    static final int SOCK_DGRAM = MIPS ? 1 : 2;
    static final int SOL_SOCKET = MIPS || SPARC ? 0xffff : 1;
    static final int SO_BINDTODEVICE = SPARC ? 0x000d : 25;

    private static final class Native {
        static final NativeLibrary<SocketLibC> C = NativeLibrary.load(SocketLibC.class);
    }

    private final SocketLibC c;
    private final String what;
    private volatile int fd;
    private final byte[] fromAddr = new byte[16];
    private final int[] fromLen = new int[1];
    private final byte[] toAddr = new byte[16];

    private ProbeSocket(SocketLibC c, int fd, String what) {
        this.c = c;
        this.fd = fd;
        this.what = what;
    }

    /**
     * Opens a socket of {@code type} and {@code protocol}, binds it to {@code device} and, when
     * {@code source} is not null, to that address (port 0: any).
     *
     * @param what how errors name it, e.g. {@code ICMP probe socket on wan}
     */
    public static ProbeSocket open(int type, int protocol, String device, Inet4Address source, String what)
            throws IOException {
        byte[] dev = deviceName(device);
        SocketLibC c = Native.C.require(what);
        int fd = c.socket(AF_INET, type, protocol);
        if (fd < 0) {
            int e = errno();
            throw new IOException(what + ": socket: " + (e == EPERM || e == EACCES
                    ? "not permitted (raw sockets need root or CAP_NET_RAW)" : describe(e)));
        }
        ProbeSocket s = new ProbeSocket(c, fd, what);
        boolean ok = false;
        try {
            byte[] name = new byte[IFNAMSIZ];
            System.arraycopy(dev, 0, name, 0, dev.length);
            if (c.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, dev.length + 1) < 0) {
                int e = errno();
                throw new IOException(what + ": bind to device '" + device + "': "
                        + (e == ENODEV ? "no such device" : describe(e)));
            }
            if (source != null) {
                if (c.bind(fd, sockaddr(source, 0, new byte[16]), 16) < 0) {
                    throw new IOException(what + ": bind to " + source.getHostAddress() + ": " + describe(errno()));
                }
            }
            ok = true;
            return s;
        } finally {
            if (!ok) {
                s.close();
            }
        }
    }

    /**
     * Connects a raw socket to {@code peer}, so the kernel hands it only packets from that
     * address: with several ICMP targets each socket then sees its own replies, not everyone's.
     */
    void connect(Inet4Address peer) throws IOException {
        if (c.connect(checkOpen(), sockaddr(peer, 0, new byte[16]), 16) < 0) {
            throw new IOException(what + ": connect to " + peer.getHostAddress() + ": " + describe(errno()));
        }
    }

    /** Sets an int-array-valued option (e.g. ICMP_FILTER's 32-bit mask), native byte order. */
    public void setIntOption(int level, int name, int value) throws IOException {
        byte[] v = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(value).array();
        if (c.setsockopt(checkOpen(), level, name, v, 4) < 0) {
            throw new IOException(what + ": setsockopt " + level + "/" + name + ": " + describe(errno()));
        }
    }

    /** Sends {@code len} bytes of {@code buf} to {@code to:port}; false when the kernel's queue is full. */
    public boolean sendTo(byte[] buf, int len, Inet4Address to, int port) throws IOException {
        int f = checkOpen();
        sockaddr(to, port, toAddr);
        while (true) {
            long n = c.sendto(f, buf, len, MSG_DONTWAIT, toAddr, 16);
            if (n >= 0) {
                return true;
            }
            int e = errno();
            if (e == EINTR) {
                continue;
            }
            if (e == EAGAIN) {
                return false;
            }
            throw new IOException(what + ": send to " + to.getHostAddress() + ": " + describe(e));
        }
    }

    /**
     * Receives one datagram without waiting: its length (at most {@code buf.length}), or -1 when
     * none is queued. The sender's address is then in {@link #fromAddress} and {@link #fromPort}.
     */
    public int receive(byte[] buf) throws IOException {
        int f = checkOpen();
        while (true) {
            fromLen[0] = 16;
            long n = c.recvfrom(f, buf, buf.length, MSG_DONTWAIT, fromAddr, fromLen);
            if (n >= 0) {
                return (int) n;
            }
            int e = errno();
            if (e == EINTR) {
                continue;
            }
            if (e == EAGAIN) {
                return -1;
            }
            throw new IOException(what + ": receive: " + describe(e));
        }
    }

    /** The last datagram's source address as a 32-bit int (network order read big-endian). */
    public int fromAddress() {
        return ((fromAddr[4] & 0xff) << 24) | ((fromAddr[5] & 0xff) << 16) | ((fromAddr[6] & 0xff) << 8)
                | (fromAddr[7] & 0xff);
    }

    int fromPort() {
        return ((fromAddr[2] & 0xff) << 8) | (fromAddr[3] & 0xff);
    }

    public static int addressBits(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** struct sockaddr_in: family in host order, port and address in network order, 8 bytes of zero. */
    static byte[] sockaddr(Inet4Address a, int port, byte[] out) {
        java.util.Arrays.fill(out, (byte) 0);
        java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.nativeOrder()).putShort(0, (short) AF_INET);
        out[2] = (byte) (port >>> 8);
        out[3] = (byte) port;
        System.arraycopy(a.getAddress(), 0, out, 4, 4);
        return out;
    }

    static byte[] deviceName(String device) {
        if (device == null || device.isEmpty() || device.length() >= IFNAMSIZ || device.equals(".")
                || device.equals("..")) {
            throw new IllegalArgumentException("invalid interface name '" + device + "': 1-15 characters");
        }
        for (int i = 0; i < device.length(); i++) {
            char ch = device.charAt(i);
            if (ch <= ' ' || ch >= 127 || ch == '/' || ch == ':') {
                throw new IllegalArgumentException("invalid interface name '" + device + "': character '" + ch + "'");
            }
        }
        return device.getBytes(StandardCharsets.US_ASCII);
    }

    private int checkOpen() throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException(what + " is closed");
        }
        return f;
    }

    private static int errno() {
        return Native.C.errno();
    }

    private static String describe(int errno) {
        String s = Native.C.lib().strerror(errno);
        return (s == null ? "error" : s) + " (errno " + errno + ")";
    }

    @Override
    public synchronized void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            c.close(f);
        }
    }
}
