package net.coopwan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of the unlimited benchmark: a wireguard-go tunnel (Debian's user-space WireGuard)
 * between router and inet over isp-1, with the lan's traffic routed into it and masqueraded in
 * inet out of srv0, the same path shape as the bond over one ISP. Interface names carry the lab
 * prefix because wireguard-go's control sockets ({@code /var/run/wireguard/NAME.sock}) live in the
 * shared file system, not in the namespace.
 */
final class BondBenchmarkWireGuard implements AutoCloseable {
    static final String ROUTER_ADDRESS = "100.64.200.1";
    static final String INET_ADDRESS = "100.64.200.2";
    static final int PORT = 51820;
    private static final Duration T = Duration.ofSeconds(10);

    private final Lab lab;
    private final String routerIf;
    private final String inetIf;
    private Process router;
    private Process inet;

    BondBenchmarkWireGuard(Lab lab) {
        this.lab = lab;
        this.routerIf = lab.prefix() + "w0";
        this.inetIf = lab.prefix() + "w1";
    }

    List<ProcessHandle> processes() {
        return List.of(router.toHandle(), inet.toHandle());
    }

    void start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String routerKey = lab.exec(Lab.ROUTER, T, "wg", "genkey").orThrow().stdout().trim();
        String inetKey = lab.exec(Lab.ROUTER, T, "wg", "genkey").orThrow().stdout().trim();
        String routerPub = lab.execInput(Lab.ROUTER, T, routerKey + "\n", "wg", "pubkey").orThrow().stdout().trim();
        String inetPub = lab.execInput(Lab.ROUTER, T, inetKey + "\n", "wg", "pubkey").orThrow().stdout().trim();
        Path rk = dir.resolve("router.key");
        Path ik = dir.resolve("inet.key");
        Files.writeString(rk, routerKey + "\n");
        Files.writeString(ik, inetKey + "\n");

        router = spawn(Lab.ROUTER, routerIf, dir.resolve("wireguard-go-router.log"));
        inet = spawn(Lab.INET, inetIf, dir.resolve("wireguard-go-inet.log"));
        awaitLink(Lab.ROUTER, routerIf, router);
        awaitLink(Lab.INET, inetIf, inet);

        lab.exec(Lab.INET, T, "wg", "set", inetIf, "private-key", ik.toString(), "listen-port", Integer.toString(PORT),
                "peer", routerPub, "allowed-ips", ROUTER_ADDRESS + "/32," + Lab.LAN_HOST.replaceAll("\\.\\d+$", ".0")
                        + "/24").orThrow();
        lab.exec(Lab.INET, T, "ip", "addr", "add", INET_ADDRESS + "/30", "dev", inetIf).orThrow();
        lab.exec(Lab.INET, T, "ip", "link", "set", inetIf, "mtu", "1420", "up").orThrow();
        lab.exec(Lab.INET, T, "ip", "route", "add", "100.64.10.0/24", "dev", inetIf).orThrow();
        lab.execInput(Lab.INET, T, "table ip cwbenchwg {\n  chain post { type nat hook postrouting priority srcnat;"
                + " oifname \"srv0\" masquerade; }\n}\n", "nft", "-f", "-").orThrow();

        lab.exec(Lab.ROUTER, T, "wg", "set", routerIf, "private-key", rk.toString(), "peer", inetPub,
                "endpoint", Lab.CONCENTRATOR + ":" + PORT, "allowed-ips", "0.0.0.0/0").orThrow();
        lab.exec(Lab.ROUTER, T, "ip", "addr", "add", ROUTER_ADDRESS + "/30", "dev", routerIf).orThrow();
        lab.exec(Lab.ROUTER, T, "ip", "link", "set", routerIf, "mtu", "1420", "up").orThrow();
        // over isp-1: the router's own default route (metric 10) already leaves by wan1
        lab.exec(Lab.ROUTER, T, "ip", "route", "replace", "default", "dev", routerIf, "table", "201").orThrow();
        lab.exec(Lab.ROUTER, T, "ip", "rule", "add", "iif", "lan0", "lookup", "201", "priority", "101").orThrow();
        lab.ping(Lab.LAN, Lab.SERVER_ADDRESS).orThrow();
    }

    private Process spawn(String role, String ifName, Path log) {
        return lab.spawn(role, log, "env", "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1", "wireguard-go", "-f",
                ifName);
    }

    private void awaitLink(String role, String ifName, Process p) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (lab.exec(role, T, "ip", "link", "show", ifName).ok()) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new LabException("wireguard-go did not create " + ifName + " in " + role);
    }

    @Override
    public void close() {
        lab.exec(Lab.ROUTER, T, "ip", "rule", "del", "priority", "101");
        lab.exec(Lab.ROUTER, T, "ip", "route", "flush", "table", "201");
        lab.exec(Lab.INET, T, "nft", "delete", "table", "ip", "cwbenchwg");
        for (Process p : new Process[] {router, inet}) {
            if (p != null && p.isAlive()) {
                p.destroy(); // SIGTERM: wireguard-go removes its interface and control socket
                try {
                    if (!p.waitFor(3, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
