package net.coopwan.daemon.coop.commonisp;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

import net.coopwan.daemon.steer.ProcessCommandRunner;
import net.coopwan.daemon.steer.SteerException;
import net.coopwan.daemon.testing.InNetns;

/**
 * Namespaces of the common-ISP tests ({@code ci} + 6 random hex digits, this part's prefix; the
 * interfaces inside are named {@code ci...} too), every one deleted by {@link #close}, also when a
 * test fails half-way. Only its own namespaces are ever deleted: no leftover sweep of a prefix.
 */
final class CiLab implements AutoCloseable {
    static final String PREFIX = "ci";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration T = Duration.ofSeconds(10);
    private static final ProcessCommandRunner HOST = new ProcessCommandRunner();

    private final List<String> made = new ArrayList<>();

    /** Root, ip netns and libc through jnr: else the netns tests are skipped. */
    static boolean available() {
        try {
            return InNetns.available() && HOST.run(List.of("ip", "netns", "list"), null, T).succeeded()
                    && "0".equals(HOST.run(List.of("id", "-u"), null, T).stdout().trim());
        } catch (SteerException e) {
            return false;
        }
    }

    /** A new namespace with lo up, forwarding on and no reverse-path filter (a router of the chain). */
    String router() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        String name = PREFIX + HexFormat.of().formatHex(b);
        HOST.check(List.of("ip", "netns", "add", name), null, T);
        made.add(name);
        sh(name, "ip", "link", "set", "lo", "up");
        sh(name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        sh(name, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
        sh(name, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
        return name;
    }

    /** A veth between two namespaces, addressed {@code hereAddr}/24 and {@code thereAddr}/24, both up. */
    void link(String here, String hereDev, String hereAddr, String there, String thereDev, String thereAddr) {
        sh(here, "ip", "link", "add", hereDev, "type", "veth", "peer", "name", thereDev, "netns", there);
        sh(here, "ip", "addr", "add", hereAddr + "/24", "dev", hereDev);
        sh(there, "ip", "addr", "add", thereAddr + "/24", "dev", thereDev);
        sh(here, "ip", "link", "set", hereDev, "up");
        sh(there, "ip", "link", "set", thereDev, "up");
    }

    String sh(String ns, String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        return HOST.check(full, null, T).stdout();
    }

    <V> V call(String ns, Callable<V> body) throws Exception {
        return InNetns.call(ns, body);
    }

    @Override
    public void close() {
        for (String n : made) {
            HOST.run(List.of("ip", "netns", "del", n), null, T);
        }
        made.clear();
    }
}
