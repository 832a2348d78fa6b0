package net.coopwan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The packaged daemon twice in the lab: a concentrator in inet and a router in router whose
 * bond bond0 has one tunnel per ISP, with the lan namespace's traffic routed into the bond.
 * Used by the bonding integration test, the benchmarks (docs/benchmarks/bonding) and the demo
 * ({@link LabDemo}). The jar and launcher come from the system properties {@code coopwan.jar} and
 * {@code coopwan.launcher} (defaults: package/target/coopwan.jar and package/files/coopwan as
 * seen from the package module).
 */
public final class BondLab implements AutoCloseable {
    public static final String BOND_ADDRESS = "100.64.100.2";
    private final Lab lab;
    private final Path dir;
    private final String key;
    private final Path routerLog;
    private final Path concLog;
    private Process router;
    private Process concentrator;

    public BondLab(Lab lab, Path dir) {
        this.lab = lab;
        this.dir = dir;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = Base64.getEncoder().encodeToString(k);
        this.routerLog = dir.resolve("router.log");
        this.concLog = dir.resolve("concentrator.log");
    }

    public Lab lab() {
        return lab;
    }

    public Path routerLog() {
        return routerLog;
    }

    public Path concentratorLog() {
        return concLog;
    }

    /**
     * The launcher command for {@code coopwan run}; the system property {@code coopwan.java.opts}
     * (e.g. a JIT setting to compare) goes to the launcher as COOPWAN_JAVA_OPTS.
     */
    static String[] launcher(Path config, Path state) {
        String jar = System.getProperty("coopwan.jar", "target/coopwan.jar");
        String launcher = System.getProperty("coopwan.launcher", "files/coopwan");
        String opts = System.getProperty("coopwan.java.opts", "");
        return new String[] {"env", "COOPWAN_JAR=" + Path.of(jar).toAbsolutePath(), "COOPWAN_CDS=/nonexistent",
            "COOPWAN_JAVA_OPTS=" + opts, "sh", Path.of(launcher).toAbsolutePath().toString(), "run", "--config",
            config.toString(), "--state", state.toString()};
    }

    /** {@code coopwan ctl --socket SOCKET ARGS} through the launcher, to run in a namespace. */
    public static String[] ctl(Path socket, String... args) {
        String jar = System.getProperty("coopwan.jar", "target/coopwan.jar");
        String launcher = System.getProperty("coopwan.launcher", "files/coopwan");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("env",
                "COOPWAN_JAR=" + Path.of(jar).toAbsolutePath(), "COOPWAN_CDS=/nonexistent", "sh",
                Path.of(launcher).toAbsolutePath().toString(), "ctl", "--socket", socket.toString()));
        cmd.addAll(java.util.List.of(args));
        return cmd.toArray(new String[0]);
    }

    /**
     * Writes a concentrator's configuration to {@code conf}: listening on {@code listen}:{@code port},
     * its WAN {@code wanDevice}, one client home1 with {@code key} at the bond's address, and
     * {@code extra} lines (a data-plane section, or ""); the lab's and the neighbours' labs share it.
     */
    static Path concentratorConfig(Path conf, Path socket, String listen, int port, String wanDevice, String key,
            String extra) throws IOException {
        Files.writeString(conf, String.join("\n",
                "config global 'global'",
                "\toption role 'concentrator'",
                "\toption control_socket '" + socket + "'",
                "config concentrator 'concentrator'",
                "\toption listen '" + listen + "'",
                "\toption port '" + port + "'",
                "\toption device 'cwc0'",
                "\toption address '100.64.100.1/24'",
                "\toption wan_device '" + wanDevice + "'",
                "config client 'home1'",
                "\toption key '" + key + "'",
                "\toption address '" + BOND_ADDRESS + "'",
                extra,
                ""));
        return conf;
    }

    /** Starts the concentrator (inet). */
    public void startConcentrator(String dataplane) throws IOException {
        Path conf = concentratorConfig(dir.resolve("concentrator.conf"), dir.resolve("conc.sock"), Lab.CONCENTRATOR,
                lab.tunnelPort(), "srv0", key, dataplane);
        concentrator = lab.spawn(Lab.INET, concLog, launcher(conf, dir.resolve("conc-state")));
    }

    /**
     * Starts the router with bond0 over every ISP; {@code upKbps} are the uplinks' nominal
     * rates (0 = unknown), {@code mode} wrr, adaptive or active-backup.
     */
    public void startRouter(String mode, long[] upKbps, String dataplane) throws IOException {
        int[] all = new int[lab.isps()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        startRouter(mode, upKbps, dataplane, all);
    }

    /**
     * Like {@link #startRouter(String, long[], String)}, with only the given ISPs (1-based) as
     * members of bond0; every ISP is still configured as an uplink.
     */
    /** Options added to the router's {@code config bond 'bond0'} (e.g. {@code scheduler 'wrr'}), before start. */
    private final List<String> bondOptions = new ArrayList<>();

    /** Adds {@code option NAME 'VALUE'} to the router's bond (before {@link #startRouter}). */
    public BondLab bondOption(String name, String value) {
        bondOptions.add("\toption " + name + " '" + value + "'");
        return this;
    }

    public void startRouter(String mode, long[] upKbps, String dataplane, int... memberIsps) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "config global 'global'",
                "\toption role 'router'",
                "\toption control_socket '" + dir.resolve("router.sock") + "'"));
        StringBuilder members = new StringBuilder();
        for (int i = 1; i <= lab.isps(); i++) {
            lines.add("config uplink 'wan" + i + "'");
            lines.add("\toption device 'wan" + i + "'");
            lines.add("\toption gateway '" + Lab.ispGateway(i) + "'");
            lines.add("\toption up_kbps '" + upKbps[i - 1] + "'");
            lines.add("\toption down_kbps '" + upKbps[i - 1] + "'");
        }
        for (int i : memberIsps) {
            members.append("\tlist member 'wan").append(i).append("'\n");
        }
        lines.add("config bond 'bond0'");
        lines.add("\toption mode '" + mode + "'");
        lines.add("\toption mtu '1400'");
        lines.addAll(bondOptions);
        lines.add(members.toString().stripTrailing());
        lines.add("\toption concentrator '" + Lab.CONCENTRATOR + ":" + lab.tunnelPort() + "'");
        lines.add("\toption client_id 'home1'");
        lines.add("\toption key '" + key + "'");
        lines.add("\toption address '" + BOND_ADDRESS + "/24'");
        lines.add(dataplane);
        lines.add("");
        Path conf = dir.resolve("router.conf");
        Files.writeString(conf, String.join("\n", lines));
        router = lab.spawn(Lab.ROUTER, routerLog, launcher(conf, dir.resolve("router-state")));
    }

    /** Routes what the lan namespace sends into bond0 (a policy the product leaves to the admin). */
    public void routeLanIntoBond() {
        lab.exec(Lab.ROUTER, Duration.ofSeconds(5), "ip", "route", "replace", "default", "dev", "bond0", "table", "200").orThrow();
        lab.exec(Lab.ROUTER, Duration.ofSeconds(5), "ip", "rule", "add", "iif", "lan0", "lookup", "200", "priority", "100").orThrow();
    }

    /** Undoes {@link #routeLanIntoBond()} (for a next bond in the same lab); never throws. */
    public void unrouteLan() {
        lab.exec(Lab.ROUTER, Duration.ofSeconds(5), "ip", "rule", "del", "priority", "100");
        lab.exec(Lab.ROUTER, Duration.ofSeconds(5), "ip", "route", "flush", "table", "200");
    }

    /** Waits until the router's log shows {@code count} members up; false on timeout. */
    public boolean awaitMembersUp(int count, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(routerLog)) {
                long up = Files.readAllLines(routerLog).stream().filter(l -> l.contains("bond bond0: member") && l.contains(") up")).count();
                if (up >= count) {
                    return true;
                }
            }
            if (router != null && !router.isAlive()) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public Process router() {
        return router;
    }

    public Process concentrator() {
        return concentrator;
    }

    @Override
    public void close() {
        for (Process p : new Process[] {router, concentrator}) {
            if (p != null && p.isAlive()) {
                p.destroy(); // SIGTERM: the daemons take their interfaces and rules down
                try {
                    p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
