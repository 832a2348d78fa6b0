package net.coopwan.daemon.nflog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

import net.coopwan.daemon.libc.NativeLibrary;

/**
 * A netlink socket bound to one NFLOG group: {@code socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER)},
 * bound, then configured with NFULNL messages (protocol family bound, group bound, copy mode
 * "packet" with a snap length, queue threshold 1 so each copy comes at once). Receives without
 * blocking after {@link #await}. A group has one listener in a network namespace: a bind that
 * finds it taken fails with the reason. The socket belongs to the namespace of the thread that
 * opened it. Errno values are Linux's, with MIPS's and SPARC's where they differ. One reading
 * thread; {@link #close} from another after that thread stopped.
 */
public final class NflogSocket implements Closeable {

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int NETLINK_NETFILTER = 12;
    static final int MSG_DONTWAIT = 0x40;
    static final short POLLIN = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EPERM = 1;
    static final int EBUSY = 16;
    private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    static final int ENOBUFS = ARCH.startsWith("mips") ? 132 : ARCH.startsWith("sparc") ? 55 : 105;
    /** recv's answer when the kernel dropped copies because the receive buffer was full. */
    public static final int OVERFLOW = -2;
    /** How long the kernel may take to acknowledge one configuration request. */
    private static final int ANSWER_MS = 1000;

    private static final class Native {
        static final NativeLibrary<NflogLibC> C = NativeLibrary.load(NflogLibC.class);
    }

    private final NflogLibC c;
    private final int group;
    private final byte[] pollFd = new byte[8];
    private volatile int fd;
    private int seq;

    private NflogSocket(NflogLibC c, int fd, int group) {
        this.c = c;
        this.fd = fd;
        this.group = group;
    }

    /** Opens a socket on {@code group}, copying at most {@code copyRange} bytes of each packet. */
    public static NflogSocket open(int group, int copyRange) throws IOException {
        if (group < 0 || group > 0xffff || copyRange < 1) {
            throw new IllegalArgumentException("group 0..65535 and a positive copy range, got " + group + ", " + copyRange);
        }
        NflogLibC c = Native.C.require("NFLOG");
        int fd = c.socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
        if (fd < 0) {
            int e = errno();
            throw new IOException("NFLOG: socket: " + (e == EPERM ? "not permitted (needs root or CAP_NET_ADMIN)" : describe(e)));
        }
        NflogSocket s = new NflogSocket(c, fd, group);
        boolean ok = false;
        try {
            byte[] addr = ByteBuffer.allocate(12).order(NflogMessages.HOST).putShort((short) AF_NETLINK).array();
            if (c.bind(fd, addr, addr.length) < 0) {
                throw new IOException("NFLOG: bind: " + describe(errno()));
            }
            // kernels before 3.17 want the family bound; later ones answer 0 and ignore it
            s.request(NflogMessages.command(++s.seq, AF_INET, 0, NflogMessages.CMD_PF_BIND), false);
            int e = s.request(NflogMessages.command(++s.seq, AF_UNSPEC, group, NflogMessages.CMD_BIND), true);
            if (e != 0) {
                throw new IOException("NFLOG: bind group " + group + ": "
                        + (e == EBUSY ? "in use by another program" : e == EPERM ? "not permitted" : describe(e)));
            }
            s.check(NflogMessages.copyPackets(++s.seq, group, copyRange), "copy mode");
            s.check(NflogMessages.value(++s.seq, group, NflogMessages.NFULA_CFG_QTHRESH, 1), "queue threshold");
            ok = true;
            return s;
        } finally {
            if (!ok) {
                s.close();
            }
        }
    }

    public int group() {
        return group;
    }

    private void check(byte[] message, String what) throws IOException {
        int e = request(message, true);
        if (e != 0) {
            throw new IOException("NFLOG: group " + group + ": " + what + ": " + describe(e));
        }
    }

    /** Sends a request and waits (bounded) for its answer: the errno, 0 when done. */
    private int request(byte[] message, boolean mustAnswer) throws IOException {
        int wanted = seq;
        int f = checkOpen();
        if (c.send(f, message, message.length, 0) < 0) {
            throw new IOException("NFLOG: send: " + describe(errno()));
        }
        byte[] buf = new byte[8192];
        int[] answer = {Integer.MIN_VALUE};
        long until = System.nanoTime() + ANSWER_MS * 1_000_000L;
        while (answer[0] == Integer.MIN_VALUE && System.nanoTime() < until) {
            if (!await(ANSWER_MS)) {
                continue;
            }
            int n = receive(buf);
            if (n < 0) {
                continue;
            }
            try {
                NflogMessages.parse(buf, n, new NflogMessages.Sink() {
                    @Override
                    public void packet(byte[] b, int off, int len) {
                        // a copy that came before the set-up finished: not ours to read yet
                    }

                    @Override
                    public void answer(int s, int errno) {
                        if (s == wanted) {
                            answer[0] = errno;
                        }
                    }
                });
            } catch (NflogFormatException e) {
                throw new IOException("NFLOG: the kernel's answer: " + e.getMessage(), e);
            }
        }
        if (answer[0] == Integer.MIN_VALUE) {
            if (mustAnswer) {
                throw new IOException("NFLOG: no answer from the kernel in " + ANSWER_MS + " ms");
            }
            return 0;
        }
        return answer[0];
    }

    /** Waits at most {@code millis} for something to read; false on timeout (or an interrupted wait). */
    public boolean await(int millis) throws IOException {
        ByteBuffer p = ByteBuffer.wrap(pollFd).order(NflogMessages.HOST);
        p.putInt(0, checkOpen()).putShort(4, POLLIN).putShort(6, (short) 0);
        int n = c.poll(pollFd, 1, millis);
        if (n < 0) {
            int e = errno();
            if (e == EINTR) {
                return false;
            }
            throw new IOException("NFLOG: poll: " + describe(e));
        }
        return n > 0;
    }

    /**
     * Receives one datagram without waiting: its length, -1 when none is queued, or
     * {@link #OVERFLOW} when the kernel had to drop copies (the socket stays usable).
     */
    public int receive(byte[] buf) throws IOException {
        int f = checkOpen();
        while (true) {
            long n = c.recv(f, buf, buf.length, MSG_DONTWAIT);
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
            if (e == ENOBUFS) {
                return OVERFLOW;
            }
            throw new IOException("NFLOG: receive: " + describe(e));
        }
    }

    private int checkOpen() throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException("NFLOG socket of group " + group + " is closed");
        }
        return f;
    }

    private static int errno() {
        return Native.C.errno();
    }

    private static String describe(int errno) {
        try {
            return Native.C.lib().strerror(errno) + " (errno " + errno + ")";
        } catch (RuntimeException e) {
            return "errno " + errno;
        }
    }

    /** Closing the socket unbinds the group (the kernel drops a listener's instances with its socket). */
    @Override
    public void close() {
        int f = fd;
        fd = -1;
        if (f >= 0) {
            c.close(f);
        }
    }
}
