package net.coopwan.lab;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A dual-WAN home network in network namespaces, removed again on {@link #close()}.
 *
 * <pre>
 *  lan ──eth0/lan0── router ──wan1/down0── isp-1 ──up0/isp1── inet ──srv0/eth0── server
 *                          └──wan2/down0── isp-2 ──up0/isp2──┘  (lo: 198.18.0.1 concentrator)
 * </pre>
 *
 * Every namespace is named {@code <prefix>-<role>} with a prefix unique to this instance
 * ({@code cwl} and five hex digits), so labs of parallel test runs never meet. A marker file
 * {@code /run/coopwan-lab/<prefix>.pid} names the owning JVM; {@link #removeLeftovers()} deletes
 * namespaces whose owner is gone (a killed test run never cleans up after itself). Interface names
 * inside namespaces are fixed because namespaces isolate them.
 *
 * <p>The ISPs masquerade what leaves towards inet, like a carrier NAT, so inet and server never see
 * 100.64 addresses. The router has two default routes by metric, like a dual-WAN router before any
 * bonding software runs; the tests of that software change the router as they need.
 */
public final class Lab implements AutoCloseable {
    public static final String PREFIX_START = "cwl";
    public static final Path RUN_DIR = Path.of("/run/coopwan-lab");
    public static final Path CURRENT_FILE = RUN_DIR.resolve("current");
    static final String DETACHED = "detached";

    public static final String LAN = "lan";
    public static final String ROUTER = "router";
    public static final String INET = "inet";
    public static final String SERVER = "server";

    public static final String LAN_HOST = "100.64.10.2";
    public static final String ROUTER_LAN = "100.64.10.1";
    public static final String CONCENTRATOR = "198.18.0.1";
    public static final String INET_TO_SERVER = "198.18.9.1";
    public static final String SERVER_ADDRESS = "198.18.9.2";
    /** The ISP's interface towards the router, and towards inet. */
    public static final String ISP_DOWN_IF = "down0";
    public static final String ISP_UP_IF = "up0";
    public static final int DEFAULT_TUNNEL_PORT = 4791;
    /** Ports of a relay inside its ISP namespace (namespaces isolate them, so fixed is fine). */
    public static final int RELAY_LISTEN_PORT = 14791;
    public static final int RELAY_CONTROL_PORT = 14790;
    public static final int IPERF3_PORT = 5201;

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern PREFIX = Pattern.compile("^(" + PREFIX_START + "[0-9a-f]{5})-\\S+");

    /** Which way a rate limit on an ISP acts: egress towards the router, or towards inet. */
    public enum Way {
        DOWNSTREAM(ISP_DOWN_IF), UPSTREAM(ISP_UP_IF);

        final String ispInterface;

        Way(String ispInterface) {
            this.ispInterface = ispInterface;
        }
    }

    private final String prefix;
    private final int isps;
    private final int tunnelPort;
    private final Path logDir;
    private final boolean ownLogDir;
    private final List<String> roles;
    private final List<Process> spawned = new ArrayList<>();
    private final Map<Integer, RelayControl> relays = new LinkedHashMap<>();
    private final Thread shutdownHook;
    private boolean closed;
    private boolean detached;

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a lab; {@link #build()} makes the namespaces. */
    public static final class Builder {
        private int isps = 2;
        private boolean relays;
        private int tunnelPort = DEFAULT_TUNNEL_PORT;
        private long relaySeed = 1;
        private boolean iperf3Server;
        private Path logDir;

        public Builder isps(int n) {
            if (n < 1 || n > 4) {
                throw new IllegalArgumentException("isps must be 1..4, got " + n);
            }
            this.isps = n;
            return this;
        }

        /** Put an {@link ImpairmentRelay} on each ISP for the tunnel's UDP port. */
        public Builder relays(boolean on) {
            this.relays = on;
            return this;
        }

        public Builder tunnelPort(int port) {
            this.tunnelPort = port;
            return this;
        }

        /** Seed of relay N is this plus N, so loss patterns repeat from run to run. */
        public Builder relaySeed(long seed) {
            this.relaySeed = seed;
            return this;
        }

        /** Run {@code iperf3 -s} on the server (port 5201) once the lab is built. */
        public Builder iperf3Server(boolean on) {
            this.iperf3Server = on;
            return this;
        }

        /** Where spawned processes' logs go; by default a temporary folder removed on close. */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        public Lab build() {
            return new Lab(this);
        }
    }

    private Lab(Builder b) {
        checkPrerequisites();
        this.isps = b.isps;
        this.tunnelPort = b.tunnelPort;
        this.prefix = claimPrefix();
        this.roles = roles(isps);
        this.shutdownHook = new Thread(this::close, "lab-" + prefix + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            if (b.logDir != null) {
                this.logDir = Files.createDirectories(b.logDir);
                this.ownLogDir = false;
            } else {
                this.logDir = Files.createTempDirectory("coopwan-lab-" + prefix);
                this.ownLogDir = true;
            }
            buildTopology();
            if (b.relays) {
                for (int i = 1; i <= isps; i++) {
                    startRelay(i, b.relaySeed + i);
                }
            }
            if (b.iperf3Server) {
                startIperf3Server();
            }
        } catch (IOException | RuntimeException | Error e) {
            close();
            if (e instanceof IOException) {
                throw new LabException("lab " + prefix + " could not be built: " + e.getMessage(), e);
            }
            throw e instanceof LabException le ? le : new LabException("lab " + prefix + " could not be built: " + e, e);
        }
    }

    // ---------------------------------------------------------------- names and addresses

    public String prefix() {
        return prefix;
    }

    public int isps() {
        return isps;
    }

    public int tunnelPort() {
        return tunnelPort;
    }

    public static String isp(int n) {
        return "isp-" + n;
    }

    /** The router's interface towards ISP n. */
    public static String routerWan(int n) {
        return "wan" + n;
    }

    public static String routerWanAddress(int n) {
        return "100.64." + n + ".2";
    }

    public static String ispGateway(int n) {
        return "100.64." + n + ".1";
    }

    /** The ISP's own (public) address towards inet, which router traffic is masqueraded to. */
    public static String ispPublic(int n) {
        return "198.18." + n + ".2";
    }

    public static String inetTowardsIsp(int n) {
        return "198.18." + n + ".1";
    }

    /** Full namespace name of a role (lan, router, isp-N, inet, server). */
    public String ns(String role) {
        if (!roles.contains(role)) {
            throw new IllegalArgumentException("no role " + role + " in this lab; roles are " + roles);
        }
        return prefix + "-" + role;
    }

    public List<String> roles() {
        return roles;
    }

    public Path logDir() {
        return logDir;
    }

    private static List<String> roles(int isps) {
        List<String> r = new ArrayList<>(List.of(LAN, ROUTER));
        for (int i = 1; i <= isps; i++) {
            r.add(isp(i));
        }
        r.add(INET);
        r.add(SERVER);
        return List.copyOf(r);
    }

    // ---------------------------------------------------------------- running things inside

    /** Runs argv inside the role's namespace, capturing output; kills it after the timeout. */
    public Result exec(String role, Duration timeout, String... argv) {
        return Commands.run(timeout, inNs(role, argv));
    }

    /** Like {@link #exec} with the given text on standard input. */
    public Result execInput(String role, Duration timeout, String stdin, String... argv) {
        return Commands.run(timeout, inNs(role, argv), stdin);
    }

    /**
     * Starts argv inside the role's namespace with stdout and stderr appended to log (discarded when
     * null); the process is killed on {@link #close()}.
     */
    public synchronized Process spawn(String role, Path log, String... argv) {
        ProcessBuilder pb = new ProcessBuilder(inNs(role, argv)).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (log == null) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true);
        }
        return start(pb);
    }

    /** Starts a Java main of this module inside the role's namespace (see {@link #spawn}). */
    public Process spawnJava(String role, Path log, Class<?> main, String... args) {
        return spawn(role, log, javaCommand(main, args));
    }

    /** Runs a Java main of this module inside the role's namespace to completion. */
    public Result execJava(String role, Duration timeout, Class<?> main, String... args) {
        return exec(role, timeout, javaCommand(main, args));
    }

    private synchronized Process start(ProcessBuilder pb) {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
        try {
            Process p = pb.start();
            spawned.add(p);
            return p;
        } catch (IOException e) {
            throw new LabException("cannot start " + pb.command() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code iperf3 -s} on the server's address (port {@value #IPERF3_PORT}) and waits until it
     * listens; killed on close.
     */
    public void startIperf3Server() {
        if (findOnPath("iperf3").isEmpty()) {
            throw new LabException("iperf3 is not installed (scripts/setup.sh installs it)");
        }
        Process p = spawn(SERVER, logDir.resolve("iperf3-server.log"), "iperf3", "-s", "-B", SERVER_ADDRESS,
                "-p", Integer.toString(IPERF3_PORT));
        for (int i = 0; i < 100; i++) {
            String listening = exec(SERVER, COMMAND_TIMEOUT, "ss", "-Hltn", "sport = :" + IPERF3_PORT).stdout();
            if (!listening.isBlank()) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new LabException("iperf3 -s did not start on " + ns(SERVER) + "; see " + logDir);
    }

    /** Pings address from the role's namespace (two echo requests; ok when one is answered). */
    public Result ping(String role, String address) {
        return exec(role, Duration.ofSeconds(6), pingCommand(null, address));
    }

    /** Pings address from the role's namespace out of the given interface ({@code ping -I}). */
    public Result ping(String role, String iface, String address) {
        return exec(role, Duration.ofSeconds(6), pingCommand(iface, address));
    }

    private static String[] pingCommand(String iface, String address) {
        if (findOnPath("ping").isEmpty()) {
            throw new LabException("ping is not installed (apt-get install iputils-ping)");
        }
        List<String> c = new ArrayList<>(List.of("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2"));
        if (iface != null) {
            c.add("-I");
            c.add(iface);
        }
        c.add(address);
        return c.toArray(String[]::new);
    }

    /**
     * Limits ISP n's egress one way with a token bucket filter ({@code tc ... tbf}); downstream is
     * the ISP's egress towards the router, upstream towards inet.
     */
    public void setRate(int isp, Way way, long kbit) {
        checkIsp(isp);
        // Burst: 10 ms worth of data but at least two full-size frames, so tbf can send at all.
        long burst = Math.max(3200, kbit * 1000 / 8 / 100);
        exec(isp(isp), COMMAND_TIMEOUT, "tc", "qdisc", "replace", "dev", way.ispInterface, "root", "tbf",
                "rate", kbit + "kbit", "burst", Long.toString(burst), "latency", "100ms").orThrow();
    }

    /** Removes a rate limit set by {@link #setRate}. */
    public void clearRate(int isp, Way way) {
        checkIsp(isp);
        Result r = exec(isp(isp), COMMAND_TIMEOUT, "tc", "qdisc", "del", "dev", way.ispInterface, "root");
        // Clearing twice is fine: tc says there is no root qdisc to delete (wording varies).
        if (!r.ok() && !r.stderr().contains("No such file") && !r.stderr().contains("handle of zero")) {
            r.orThrow();
        }
    }

    /** Control of the impairment relay on ISP n; only when the lab was built with relays. */
    public RelayControl relay(int isp) {
        checkIsp(isp);
        RelayControl r = relays.get(isp);
        if (r == null) {
            throw new IllegalStateException("lab " + prefix + " was built without relays");
        }
        return r;
    }

    public boolean hasRelays() {
        return !relays.isEmpty();
    }

    private void checkIsp(int isp) {
        if (isp < 1 || isp > isps) {
            throw new IllegalArgumentException("isp must be 1.." + isps + ", got " + isp);
        }
    }

    private List<String> inNs(String role, String... argv) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns(role)));
        c.addAll(Arrays.asList(argv));
        return c;
    }

    /** The command line that runs a main of this module with the running JVM's java. */
    public static String[] javaCommand(Class<?> main, String... args) {
        List<String> c = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC", "-Xss512k", "-cp",
                classpathOf(main), main.getName()));
        c.addAll(Arrays.asList(args));
        return c.toArray(String[]::new);
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Where the lab's classes come from (target/classes or the jar), found from the code source. */
    static String classpathOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new LabException("cannot find where " + c.getName() + " was loaded from", e);
        }
    }

    // ---------------------------------------------------------------- building

    private void buildTopology() {
        for (String role : roles) {
            root("ip", "netns", "add", ns(role));
            boolean forwards = !role.equals(LAN) && !role.equals(SERVER);
            // rp_filter off: the router answers on wan2 for traffic a strict reverse-path check
            // would expect on wan1 (both are default routes). Set before links move in, so new
            // interfaces inherit "default".
            // Plain writes to /proc/sys rather than sysctl(8), which a minimal system may lack.
            exec(role, COMMAND_TIMEOUT, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter"
                    + " && echo 0 > /proc/sys/net/ipv4/conf/default/rp_filter"
                    + " && echo " + (forwards ? 1 : 0) + " > /proc/sys/net/ipv4/ip_forward").orThrow();
        }
        veth(LAN, "eth0", ROUTER, "lan0");
        for (int i = 1; i <= isps; i++) {
            veth(ROUTER, routerWan(i), isp(i), ISP_DOWN_IF);
            veth(isp(i), ISP_UP_IF, INET, "isp" + i);
        }
        veth(INET, "srv0", SERVER, "eth0");

        ipBatch(LAN, "link set lo up", "addr add " + LAN_HOST + "/24 dev eth0", "link set eth0 up",
                "route add default via " + ROUTER_LAN);

        List<String> router = new ArrayList<>(List.of("link set lo up", "addr add " + ROUTER_LAN + "/24 dev lan0",
                "link set lan0 up"));
        for (int i = 1; i <= isps; i++) {
            router.add("addr add " + routerWanAddress(i) + "/30 dev " + routerWan(i));
            router.add("link set " + routerWan(i) + " up");
            router.add("route add default via " + ispGateway(i) + " dev " + routerWan(i) + " metric " + (10 * i));
        }
        ipBatch(ROUTER, router.toArray(String[]::new));

        List<String> inet = new ArrayList<>(List.of("link set lo up", "addr add " + CONCENTRATOR + "/32 dev lo",
                "addr add " + INET_TO_SERVER + "/30 dev srv0", "link set srv0 up"));
        for (int i = 1; i <= isps; i++) {
            ipBatch(isp(i), "link set lo up",
                    "addr add " + ispGateway(i) + "/30 dev " + ISP_DOWN_IF, "link set " + ISP_DOWN_IF + " up",
                    "addr add " + ispPublic(i) + "/30 dev " + ISP_UP_IF, "link set " + ISP_UP_IF + " up",
                    "route add default via " + inetTowardsIsp(i),
                    // The customer's LAN behind the router, as a carrier routes a delegated prefix.
                    "route add 100.64.10.0/24 via " + routerWanAddress(i));
            inet.add("addr add " + inetTowardsIsp(i) + "/30 dev isp" + i);
            inet.add("link set isp" + i + " up");
            nft(i, false);
        }
        ipBatch(INET, inet.toArray(String[]::new));
        ipBatch(SERVER, "link set lo up", "addr add " + SERVER_ADDRESS + "/30 dev eth0", "link set eth0 up",
                "route add default via " + INET_TO_SERVER);
    }

    private void veth(String roleA, String ifA, String roleB, String ifB) {
        root("ip", "-n", ns(roleA), "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", ns(roleB));
    }

    private void ipBatch(String role, String... lines) {
        Commands.run(COMMAND_TIMEOUT, List.of("ip", "-n", ns(role), "-batch", "-"),
                String.join("\n", lines) + "\n").orThrow();
    }

    private void nft(int isp, boolean redirect) {
        String rules = "table ip cwlab {\n"
                + "  chain post { type nat hook postrouting priority srcnat; oifname \"" + ISP_UP_IF
                + "\" masquerade; }\n"
                + (redirect ? "  chain pre { type nat hook prerouting priority dstnat; iifname \"" + ISP_DOWN_IF
                        + "\" udp dport " + tunnelPort + " redirect to :" + RELAY_LISTEN_PORT + "; }\n" : "")
                + "}\n";
        Result r = execInput(isp(isp), COMMAND_TIMEOUT, (redirect ? "delete table ip cwlab\n" : "") + rules,
                "nft", "-f", "-");
        r.orThrow();
    }

    private void startRelay(int isp, long seed) {
        ProcessBuilder pb = new ProcessBuilder(inNs(isp(isp), javaCommand(ImpairmentRelay.class,
                "--listen", Integer.toString(RELAY_LISTEN_PORT),
                "--upstream", CONCENTRATOR + ":" + tunnelPort,
                "--control-port", Integer.toString(RELAY_CONTROL_PORT),
                "--seed", Long.toString(seed))))
                .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve("relay-" + isp + ".log").toFile()));
        Process p = start(pb);
        RelayControl control = new RelayControl(p, "relay on " + ns(isp(isp)));
        control.awaitReady(Duration.ofSeconds(20));
        relays.put(isp, control);
        // Redirect only once the relay listens, so no tunnel datagram meets a closed port.
        nft(isp, true);
    }

    private static Result root(String... argv) {
        return Commands.run(COMMAND_TIMEOUT, List.of(argv)).orThrow();
    }

    private static void checkPrerequisites() {
        if (!isRoot()) {
            throw new LabException("the lab needs root (network namespaces); run the tests as root");
        }
        for (String tool : List.of("ip", "nft", "tc")) {
            if (findOnPath(tool).isEmpty()) {
                throw new LabException(tool + " is not installed; the lab needs it (scripts/setup.sh)");
            }
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return false;
    }

    static Optional<Path> findOnPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        return Arrays.stream(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool))
                .filter(Files::isExecutable).findFirst();
    }

    // ---------------------------------------------------------------- prefix, markers, teardown

    private static synchronized String claimPrefix() {
        try {
            Files.createDirectories(RUN_DIR);
            Set<String> inUse = prefixesInUse();
            for (int attempt = 0; attempt < 100; attempt++) {
                String p = PREFIX_START + String.format("%05x", ThreadLocalRandom.current().nextInt(0x100000));
                Path marker = marker(p);
                if (inUse.contains(p)) {
                    continue;
                }
                try {
                    // createFile is atomic: two JVMs never claim the same prefix.
                    Files.writeString(Files.createFile(marker), ownerToken(), StandardCharsets.UTF_8);
                    return p;
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    // next attempt
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot write lab markers under " + RUN_DIR + ": " + e.getMessage(), e);
        }
        throw new LabException("no free lab prefix found");
    }

    private static String ownerToken() {
        ProcessHandle me = ProcessHandle.current();
        return me.pid() + " " + me.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n";
    }

    static Path marker(String prefix) {
        return RUN_DIR.resolve(prefix + ".pid");
    }

    /** Namespace names that start with a lab prefix, whatever lab made them. */
    static List<String> labNamespaces() {
        Result r = Commands.run(COMMAND_TIMEOUT, List.of("ip", "netns", "list"));
        List<String> names = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            Matcher m = PREFIX.matcher(line.strip());
            if (m.find()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    static Set<String> prefixesInUse() {
        Set<String> p = new TreeSet<>();
        for (String name : labNamespaces()) {
            p.add(name.substring(0, PREFIX_START.length() + 5));
        }
        try (Stream<Path> files = Files.list(RUN_DIR)) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.matches(PREFIX_START + "[0-9a-f]{5}\\.pid"))
                    .forEach(f -> p.add(f.substring(0, f.length() - 4)));
        } catch (IOException ignored) {
            // no run dir yet
        }
        return p;
    }

    /**
     * Deletes namespaces (and kills their processes) of earlier labs whose owner JVM is gone. A lab
     * kept up by {@code lab.sh up} is marked detached and left alone; {@code lab.sh down} removes it.
     */
    public static List<String> removeLeftovers() {
        List<String> removed = new ArrayList<>();
        for (String p : prefixesInUse()) {
            if (!ownerAlive(p)) {
                destroy(p);
                removed.add(p);
            }
        }
        return removed;
    }

    static boolean ownerAlive(String prefix) {
        String token;
        try {
            token = Files.readString(marker(prefix)).strip();
        } catch (IOException e) {
            return false;
        }
        if (token.equals(DETACHED)) {
            return true;
        }
        String[] parts = token.split("\\s+");
        try {
            long pid = Long.parseLong(parts[0]);
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            // The start time guards against a recycled pid owning someone else's lab.
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(h -> started == 0 || h.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == started)
                    .orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Kills every process in the prefix's namespaces, deletes them and the marker. Never throws. */
    public static void destroy(String prefix) {
        List<String> names = new ArrayList<>();
        for (String n : labNamespaces()) {
            if (n.startsWith(prefix + "-")) {
                names.add(n);
            }
        }
        Set<Long> pids = new LinkedHashSet<>();
        for (String n : names) {
            Result r = Commands.run(COMMAND_TIMEOUT, List.of("ip", "netns", "pids", n));
            for (String s : r.stdout().split("\\s+")) {
                if (s.matches("\\d+")) {
                    pids.add(Long.parseLong(s));
                }
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(2, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // deleting the namespace still works; it lingers until the process dies
                }
            });
        }
        names.sort(Comparator.reverseOrder());
        for (String n : names) {
            Commands.run(COMMAND_TIMEOUT, List.of("ip", "netns", "del", n));
        }
        try {
            Files.deleteIfExists(marker(prefix));
        } catch (IOException ignored) {
            // next removeLeftovers tries again
        }
    }

    /**
     * Leaves the namespaces and relays running after this JVM exits ({@code lab.sh up}); the marker
     * says so, so {@link #removeLeftovers()} keeps them until {@link #destroy(String)}.
     */
    public synchronized void detach() {
        try {
            Files.writeString(marker(prefix), DETACHED + "\n");
        } catch (IOException e) {
            throw new LabException("cannot mark lab " + prefix + " detached: " + e.getMessage(), e);
        }
        detached = true;
        relays.values().forEach(RelayControl::close);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    /** Kills what the lab spawned and deletes its namespaces; safe to call twice, never throws. */
    @Override
    public void close() {
        List<Process> toKill;
        synchronized (this) {
            if (closed || detached) {
                return;
            }
            closed = true;
            toKill = new ArrayList<>(spawned);
        }
        relays.values().forEach(RelayControl::close);
        for (Process p : toKill) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : toKill) {
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        destroy(prefix);
        if (ownLogDir && logDir != null) {
            try (Stream<Path> files = Files.walk(logDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    /** Namespaces, interfaces and addresses, for people (lab.sh up prints it). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("lab ").append(prefix).append(" (").append(isps).append(" ISPs")
                .append(relays.isEmpty() ? "" : ", impairment relays on UDP " + tunnelPort).append(")\n");
        for (String role : roles) {
            sb.append(String.format("  %-8s %s%n", role, ns(role)));
            Result r = Commands.run(COMMAND_TIMEOUT, List.of("ip", "-n", ns(role), "-br", "-4", "addr"));
            for (String line : r.stdout().split("\n")) {
                if (!line.isBlank()) {
                    sb.append("           ").append(line.strip().replaceAll("\\s+", " ")).append('\n');
                }
            }
        }
        if (!relays.isEmpty()) {
            sb.append("  relays: in each isp-N, control on 127.0.0.1:").append(RELAY_CONTROL_PORT)
                    .append(" (lines like 'set up loss 10', 'stats')\n");
        }
        return sb.toString();
    }
}
