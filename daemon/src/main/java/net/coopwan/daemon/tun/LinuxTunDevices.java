package net.coopwan.daemon.tun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import net.coopwan.daemon.libc.NativeLibrary;

/**
 * The real TUN devices: {@code open("/dev/net/tun")}, {@code ioctl(TUNSETIFF)} with
 * {@code IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL}, then {@code SIOCSIFMTU} and {@code SIOCGIFFLAGS /
 * SIOCSIFFLAGS} on an AF_INET datagram socket. {@code IFF_TUN_EXCL} makes the kernel refuse a name
 * that exists (EBUSY) instead of attaching to a persistent TUN of that name, so closing our fd always
 * removes exactly the interface we made. The ioctl numbers and constants are Linux's; the ones that
 * differ on MIPS and PowerPC (the direction bits of _IOW, SOCK_DGRAM) are chosen by {@code os.arch}.
 */
public final class LinuxTunDevices implements TunDevices {

    static final int IFNAMSIZ = 16;
    /** struct ifreq on Linux: 16 bytes of name and a 24-byte union (on 32-bit 16, padded here). */
    static final int IFREQ_SIZE = 40;
    static final int IFF_TUN = 0x0001;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_TUN_EXCL = 0x8000;
    static final int IFF_UP = 0x1;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int AF_INET = 2;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCSIFMTU = 0x8922;
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final short POLLIN = 1;

    private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    /** MIPS, PowerPC and SPARC encode "write" as 4 in 3 direction bits at 29; the others as 1 in 2 bits at 30. */
    private static final boolean IOC_WRITE_HIGH = ARCH.startsWith("mips") || ARCH.startsWith("ppc")
            || ARCH.startsWith("powerpc") || ARCH.startsWith("sparc");
    /** {@code _IOW('T', 202, int)}. */
    static final long TUNSETIFF = (IOC_WRITE_HIGH ? 0x80000000L : 0x40000000L) | (4L << 16) | ('T' << 8) | 202;
    /** MIPS swapped SOCK_STREAM and SOCK_DGRAM. */
    static final int SOCK_DGRAM = ARCH.startsWith("mips") ? 1 : 2;
    static final int O_NONBLOCK = ARCH.startsWith("mips") ? 0x80 : (ARCH.startsWith("sparc") ? 0x4000 : 0x800);

    private final Path sysClassNet;

    public LinuxTunDevices() {
        this(Path.of("/sys/class/net"));
    }

    /** @param sysClassNet where to read {@code NAME/ifindex} from (tests only) */
    LinuxTunDevices(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    /** jnr-ffi bound on first use; a failure to load is kept and reported at each open. */
    private static final class Native {
        static final NativeLibrary<LibC> C = NativeLibrary.load(LibC.class);
    }

    static LibC libc(String name) throws IOException {
        return Native.C.require("cannot create interface '" + name + "'");
    }

    static int errno() {
        return Native.C.errno();
    }

    static String describe(int errno) {
        String s = Native.C.lib().strerror(errno);
        return (s == null ? "error" : s) + " (errno " + errno + ")";
    }

    @Override
    public TunDevice open(String name) throws IOException {
        byte[] nameBytes = checkName(name);
        LibC c = libc(name);
        int fd = c.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            int e = errno();
            String why = switch (e) {
                case ENOENT, ENODEV -> "no /dev/net/tun (is the tun module loaded?)";
                case EPERM, EACCES -> "no permission to open /dev/net/tun (needs root or CAP_NET_ADMIN)";
                default -> "cannot open /dev/net/tun: " + describe(e);
            };
            throw new IOException("cannot create interface '" + name + "': " + why);
        }
        boolean ok = false;
        try {
            byte[] ifr = ifreq(nameBytes);
            ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putShort(IFNAMSIZ,
                    (short) (IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL));
            if (c.ioctl(fd, TUNSETIFF, ifr) < 0) {
                int e = errno();
                String why = switch (e) {
                    case EBUSY, EINVAL -> "an interface of that name exists already";
                    case EPERM, EACCES -> "no permission (needs root or CAP_NET_ADMIN)";
                    default -> "TUNSETIFF failed: " + describe(e);
                };
                throw new IOException("cannot create interface '" + name + "': " + why);
            }
            String got = new String(ifr, 0, strlen(ifr), StandardCharsets.US_ASCII);
            if (!got.equals(name)) {
                throw new IOException("cannot create interface '" + name + "': the kernel named it '" + got + "'");
            }
            // Non-blocking, so a reader waits in poll() with a timeout and can notice close();
            // a blocking read() on a TUN is not woken by closing the fd from another thread.
            int fl = c.fcntl(fd, F_GETFL, 0);
            if (fl < 0 || c.fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
                throw new IOException("cannot create interface '" + name + "': fcntl O_NONBLOCK: " + describe(errno()));
            }
            int ifIndex = readIfIndex(name);
            LinuxTunDevice dev = new LinuxTunDevice(name, fd, ifIndex);
            ok = true;
            return dev;
        } finally {
            if (!ok) {
                c.close(fd);
            }
        }
    }

    private int readIfIndex(String name) throws IOException {
        Path p = sysClassNet.resolve(name).resolve("ifindex");
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IOException("interface '" + name + "' was created but " + p + " cannot be read: " + e, e);
        }
    }

    static byte[] checkName(String name) {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid interface name '" + name + "': 1-15 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch >= 127 || ch == '/' || ch == ':') {
                throw new IllegalArgumentException("invalid interface name '" + name + "': character '" + ch + "'");
            }
        }
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] ifreq(byte[] name) {
        byte[] ifr = new byte[IFREQ_SIZE];
        System.arraycopy(name, 0, ifr, 0, name.length);
        return ifr;
    }

    private static int strlen(byte[] b) {
        int n = 0;
        while (n < IFNAMSIZ && b[n] != 0) {
            n++;
        }
        return n;
    }
}
