package net.coopwan.daemon.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;

/**
 * Reads /sys/class/net/NAME/{ifindex,type,address,mtu,flags,operstate,speed,statistics/*}.
 * Interfaces can vanish between listing and reading; such an interface is skipped, not an error.
 */
public final class SysfsInterfaces implements KernelInterfaces {

    private static final int IFF_UP = 0x1;
    private final Path root;

    public SysfsInterfaces() {
        this(Path.of("/sys/class/net"));
    }

    /** @param root a directory laid out like /sys/class/net (tests use a tree of their own) */
    public SysfsInterfaces(Path root) {
        this.root = root;
    }

    @Override
    public List<NetInterface> list() {
        List<NetInterface> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                read(dir).ifPresent(out::add);
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(Comparator.comparingInt(NetInterface::index));
        return out;
    }

    @Override
    public Optional<NetInterface> byName(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return read(root.resolve(name));
    }

    private static Optional<NetInterface> read(Path dir) {
        try {
            int index = (int) number(dir.resolve("ifindex"), -1);
            if (index < 0) {
                return Optional.empty();
            }
            String name = dir.getFileName().toString();
            int type = (int) number(dir.resolve("type"), 0);
            String mac = text(dir.resolve("address"));
            int mtu = (int) number(dir.resolve("mtu"), 0);
            long flags = Long.decode(orDefault(text(dir.resolve("flags")), "0"));
            String oper = orDefault(text(dir.resolve("operstate")), "unknown");
            long speed = Math.max(0, number(dir.resolve("speed"), 0));
            Path s = dir.resolve("statistics");
            InterfaceCounters c = new InterfaceCounters(
                    number(s.resolve("rx_bytes"), 0), number(s.resolve("rx_packets"), 0),
                    number(s.resolve("rx_errors"), 0), number(s.resolve("rx_dropped"), 0),
                    number(s.resolve("multicast"), 0),
                    number(s.resolve("tx_bytes"), 0), number(s.resolve("tx_packets"), 0),
                    number(s.resolve("tx_errors"), 0), number(s.resolve("tx_dropped"), 0));
            return Optional.of(new NetInterface(index, name, type, mac, mtu, (flags & IFF_UP) != 0, oper, speed, c));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String orDefault(String s, String d) {
        return s == null || s.isEmpty() ? d : s;
    }

    /** File content trimmed; null when unreadable (e.g. {@code speed} of a down link gives EINVAL). */
    private static String text(Path p) throws NoSuchFileException {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            if (p.getFileName().toString().equals("ifindex")) {
                throw e;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long number(Path p, long dflt) throws NoSuchFileException {
        String t = text(p);
        if (t == null || t.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
