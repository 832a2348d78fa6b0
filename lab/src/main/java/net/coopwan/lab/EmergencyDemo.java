package net.coopwan.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * The emergency part of {@code ./coopwan demo}: two households in {@link NeighbourLab} (routers a
 * and b, a lan host behind a, a server in inet), both the packaged daemon, paired by code over
 * their control sockets ({@code pair.start} on a, {@code pair.enter} on b), an emergency
 * agreement (a offers, b's owner approves), a 50 pps UDP stream from the lan host to the server,
 * then a's uplink black-holed: it prints how long until the stream arrives from b's address (the
 * server's receive times), {@code coopwan ctl emergency} on both routers, then the repair and how
 * long until the stream is back on a's own uplink. Each router's web UI listens on a veth to the
 * host namespace (host 100.64.250.1/30 to a's 100.64.250.2, host 100.64.251.1/30 to b's
 * 100.64.251.2, port 8080, admin / coopwan), so a browser on the host can watch both; the host
 * ends belong to those veths and vanish with the routers' namespaces.
 *
 * <p>It stays up until SIGINT/SIGTERM (or {@code --seconds N}) and always removes its namespaces
 * and processes; namespaces {@code cwd<4 hex>-{lan,a,b,inet}}, whose owner is marked in
 * {@code /run/coopwan-lab/<prefix>.pid}: a next run deletes those of a dead owner.
 *
 * <pre>java -cp lab/target/classes -Dcoopwan.jar=... -Dcoopwan.launcher=... net.coopwan.lab.EmergencyDemo [--seconds N] [--dir D]</pre>
 */
public final class EmergencyDemo {
    static final String PREFIX_START = "cwd";
    static final int PEER_PORT = 4793;
    static final int STREAM_PORT = 9000;
    static final int WEB_PORT = 8080;
    static final String HOST_TO_A = "100.64.250.1";
    static final String A_WEB = "100.64.250.2";
    static final String HOST_TO_B = "100.64.251.1";
    static final String B_WEB = "100.64.251.2";
    static final String APPROVED = "emergency:bandwidth_kbps=5000,quota_bytes=50000000,window_ms=1000";
    /** The requester's bandwidth-sharing offer (the demo's and the sharing lab test's). */
    static final String SHARING_OFFER = String.join("\n",
            "config offer 'share_offer'",
            "\toption type 'bandwidth_sharing'",
            "\toption enabled '1'",
            "\toption bandwidth_kbps_min '1000'",
            "\toption bandwidth_kbps_max '10000'",
            "\toption max_share_percent_min '10'",
            "\toption max_share_percent_max '100'");
    static final String OFFERS = String.join("\n",
            "config offer 'emergency'",
            "\toption type 'emergency'",
            "\toption enabled '1'",
            "\toption bandwidth_kbps_min '1000'",
            "\toption bandwidth_kbps_max '10000'",
            "\toption window_ms_min '1000'",
            "\toption window_ms_max '1000'",
            "\toption quota_bytes_min '1000000'",
            "\toption quota_bytes_max '1000000000'",
            SHARING_OFFER);
    /** What b's owner approves for sharing: 5 Mbit/s, at most half its line. */
    static final String SHARING_APPROVED = "bandwidth_sharing:bandwidth_kbps=5000,max_share_percent=50";
    /** A TCP server on the server's port 80 that answers each connection with the address it came from. */
    static final String WHO = String.join("\n",
            "import socket, threading",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('" + NeighbourLab.SERVER + "', 80)); s.listen(64)",
            "def serve(c, a):",
            "    with c:",
            "        c.recv(100); c.sendall((a[0] + '\\n').encode())",
            "while True:",
            "    c, a = s.accept(); threading.Thread(target=serve, args=(c, a), daemon=True).start()");
    private static final Duration T = Duration.ofSeconds(10);
    private static final String SAY = "emergency demo: ";

    private final Path dir;
    private final String prefix;
    private final List<Process> tools = new java.util.concurrent.CopyOnWriteArrayList<>();
    private NeighbourLab lab;
    private Process daemonA;
    private Process daemonB;
    private boolean closed;

    private EmergencyDemo(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    public static void main(String[] args) throws Exception {
        long seconds = 0;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: EmergencyDemo [--seconds N] [--dir DIR]");
                    System.exit(2);
                }
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("coopwan-emergency-demo");
        }
        Files.createDirectories(dir);
        removeLeftovers();
        String prefix = claimPrefix();
        EmergencyDemo demo = new EmergencyDemo(dir, prefix);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            demo.close();
        }, "emergency-demo-shutdown"));
        int exit = 0;
        try {
            demo.run();
            System.out.println(SAY + "ready; " + demo.urls() + " (admin / coopwan); logs in " + dir);
            if (seconds > 0) {
                stop.await(seconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
        } catch (Exception | AssertionError e) {
            if (stop.getCount() > 0) { // not a failure when we are being stopped
                String why = e.getClass() == IOException.class ? e.getMessage() : e.toString();
                System.out.println(SAY + "failed: " + why + "; logs in " + dir + " (a.log, b.log)");
                exit = 1;
            }
        } finally {
            demo.close();
        }
        if (exit != 0) {
            System.exit(exit);
        }
    }

    String urls() {
        return "router a (requester): http://" + A_WEB + ":" + WEB_PORT + "/  router b (helper): http://" + B_WEB + ":"
                + WEB_PORT + "/";
    }

    private void run() throws Exception {
        synchronized (this) {
            if (closed) {
                return;
            }
            lab = new NeighbourLab(prefix);
        }
        webLink("a", prefix + "ha", prefix + "wa", HOST_TO_A, A_WEB);
        webLink("b", prefix + "hb", prefix + "wb", HOST_TO_B, B_WEB);
        System.out.println(SAY + "namespaces " + prefix + "-{lan,a,b,inet}: routers a and b, each with its own ISP and a "
                + "peer link between them, a lan host behind a, the server " + NeighbourLab.SERVER + " in inet; logs in " + dir);
        System.out.println(SAY + "web UIs from this host (admin / coopwan): " + urls());

        String hash = defaultPasswordHash();
        Path sockA = dir.resolve("a.sock");
        Path sockB = dir.resolve("b.sock");
        // a's line is small and counts as busy from 0 %, so it borrows b's spare at once (sharing's window 1 s)
        daemonA = startRouter("a", lab.aWan(), lab.aPeer(), A_WEB, hash, OFFERS, 1000, String.join("\n",
                "config sharing 'sharing'",
                "\toption window_s '1'",
                "\toption busy_percent '0'",
                failoverSection(lab)));
        daemonB = startRouter("b", lab.bWan(), lab.bPeer(), B_WEB, hash, "", 20_000, String.join("\n",
                "config sharing 'sharing'",
                "\toption window_s '1'"));
        Pairing pairing = pair(daemonA, sockA, daemonB, sockB);
        String idA = pairing.idA();
        System.out.println(SAY + "paired: pair.start on a (" + idA + ") showed " + pairing.code() + ", pair.enter on b ("
                + pairing.idB() + "): secure channel ESTABLISHED over " + pairing.transport());
        agree(lab, pairing, daemonA, sockA, daemonB, sockB, APPROVED, SHARING_APPROVED);
        System.out.println(SAY + "agreement: a offered emergency help and bandwidth sharing, b's owner approved (coopwan ctl "
                + "approve " + idA.substring(0, Math.min(12, idA.length())) + "... " + APPROVED + " " + SHARING_APPROVED + ")");

        // the stream: lan host -> server, 50 packets a second, the server logs each arrival
        Path received = dir.resolve("received.txt");
        tools.add(spawn("inet", dir.resolve("sink.log"), Lab.javaCommand(UdpStream.class, "sink", "--bind",
                NeighbourLab.SERVER + ":" + STREAM_PORT, "--seconds", "600", "--out", received.toString())));
        if (!waitForFile(dir.resolve("sink.log"), "ready", 30)) {
            throw new IOException("the stream's receiver did not start");
        }
        tools.add(spawn("lan", dir.resolve("sender.log"), Lab.javaCommand(UdpStream.class, "send", "--target",
                NeighbourLab.SERVER + ":" + STREAM_PORT, "--pps", "50", "--seconds", "590")));
        firstFrom(received, NeighbourLab.A_WAN, 0, 30);
        Thread.sleep(3000); // the failure detector's probes settle
        String before = ControlSocket.text(ControlSocket.call(sockA, "emergency", null), "requester", "state");
        System.out.println(SAY + "50 pps UDP stream lan host -> " + NeighbourLab.SERVER + ":" + STREAM_PORT
                + " arrives from a's address " + NeighbourLab.A_WAN + " (a's emergency state " + before + ")");

        // the cut: silent, a's carrier stays up
        long cut = System.nanoTime();
        lab.blackhole(true);
        System.out.println(SAY + "a's uplink black-holed at inet (carrier up, nothing passes either way)");
        Arrival toB = firstFrom(received, NeighbourLab.B_WAN, cut, 20);
        System.out.printf(Locale.ROOT, "%sthe stream arrives from b's address %s %d ms after the cut (%s)%n",
                SAY, NeighbourLab.B_WAN, (toB.nanos - cut) / 1_000_000, lost(received, NeighbourLab.A_WAN, toB));
        poll("a", daemonA, sockA, "emergency", j -> "CARRIED".equals(ControlSocket.text(j, "requester", "state")), 10);
        poll("b", daemonB, sockB, "emergency", j -> ControlSocket.size(j, "helping") == 1, 10);
        Thread.sleep(2000); // some bytes on b's counters
        for (String r : List.of("a", "b")) {
            Result ctl = lab.exec(r, BondLab.ctl(r.equals("a") ? sockA : sockB, "emergency"));
            System.out.println(SAY + "coopwan ctl emergency on " + r + ":\n"
                    + (ctl.stdout() + ctl.stderr()).stripTrailing());
        }

        // the repair
        long repair = System.nanoTime();
        lab.blackhole(false);
        System.out.println(SAY + "a's uplink repaired");
        Arrival toA = firstFrom(received, NeighbourLab.A_WAN, repair, 30);
        System.out.printf(Locale.ROOT, "%sthe stream arrives from a's address %s again %d ms after the repair (%s; "
                + "a waits for 2 s of good evidence before it moves back)%n",
                SAY, NeighbourLab.A_WAN, (toA.nanos - repair) / 1_000_000, lost(received, NeighbourLab.B_WAN, toA));
        poll("a", daemonA, sockA, "emergency", j -> "NORMAL".equals(ControlSocket.text(j, "requester", "state")), 15);
        poll("b", daemonB, sockB, "emergency", j -> ControlSocket.size(j, "helping") <= 0, 15);
        sharing(sockA, sockB);
        for (Process p : tools) {
            p.destroyForcibly();
        }
        tools.clear();
    }

    /**
     * Bandwidth sharing: b offers what its own users leave idle, a (busy) moves new TCP sessions to
     * port 80 onto it, and the server sees them come from b's address.
     */
    private void sharing(Path sockA, Path sockB) throws Exception {
        tools.add(spawn("inet", dir.resolve("who.log"), "python3", "-c", WHO));
        poll("a", daemonA, sockA, "sharing", j -> "BORROWING".equals(ControlSocket.text(j, "borrowing", 0, "state"))
                && !"0".equals(ControlSocket.text(j, "borrowing", 0, "perMille")), 30);
        int viaB = 0;
        int n = 10;
        for (int i = 0; i < n; i++) {
            Result r = lab.exec("lan", "python3", "-c", "import socket; s = socket.create_connection(('" + NeighbourLab.SERVER
                    + "', 80), 3); s.sendall(b'x'); print(s.makefile().readline().strip())");
            if (r.stdout().strip().equals(NeighbourLab.B_WAN)) {
                viaB++;
            }
        }
        System.out.println(SAY + "bandwidth sharing: b offers the capacity its own users leave idle; a's line is busy, so "
                + viaB + " of " + n + " new TCP sessions to " + NeighbourLab.SERVER + ":80 went out through b's address "
                + NeighbourLab.B_WAN + " (the rest from a's own); sessions never change path");
        for (String r : List.of("a", "b")) {
            Result ctl = lab.exec(r, BondLab.ctl(r.equals("a") ? sockA : sockB, "sharing"));
            System.out.println(SAY + "coopwan ctl sharing on " + r + ":\n" + (ctl.stdout() + ctl.stderr()).stripTrailing());
        }
    }

    /** Router a's failover section: its LAN, probes to the server and its gateway, all sessions reset on a move. */
    static String failoverSection(NeighbourLab lab) {
        return String.join("\n",
                "config failover 'failover'",
                "\tlist lan '" + lab.aLan() + "'",
                "\tlist probe 'icmp:" + NeighbourLab.SERVER + "'",
                "\tlist probe 'icmp:" + NeighbourLab.A_GATEWAY + "'",
                "\toption reset_sessions 'all'");
    }

    /** Two routers paired by code: their ids, the code a showed, the channel's transport as b reports it. */
    record Pairing(String idA, String idB, String code, String transport) {
    }

    /**
     * Pairs a and b the way their owners would: once both channels listen, the code pair.start
     * shows on a is entered on b (pair.enter); returns when both see the channel ESTABLISHED.
     */
    static Pairing pair(Process daemonA, Path sockA, Process daemonB, Path sockB) throws Exception {
        poll("a", daemonA, sockA, "peers", j -> ControlSocket.text(j, "channel", "state").startsWith("listening"), 60);
        poll("b", daemonB, sockB, "peers", j -> ControlSocket.text(j, "channel", "state").startsWith("listening"), 60);
        String idA = ControlSocket.text(ControlSocket.call(sockA, "peers", null), "channel", "routerId");
        String idB = ControlSocket.text(ControlSocket.call(sockB, "peers", null), "channel", "routerId");
        String code = ControlSocket.text(ControlSocket.call(sockA, "pair.start",
                "{\"address\":\"" + NeighbourLab.B_PEER + "\"}"), "code");
        ControlSocket.call(sockB, "pair.enter", "{\"address\":\"" + NeighbourLab.A_PEER + "\",\"code\":\"" + code + "\"}");
        Predicate<Object> established = j -> "ESTABLISHED".equals(ControlSocket.text(j, "channel", "peers", 0, "state"));
        poll("a", daemonA, sockA, "peers", established, 20);
        Object peersB = poll("b", daemonB, sockB, "peers", established, 20);
        return new Pairing(idA, idB, code, ControlSocket.text(peersB, "channel", "peers", 0, "transport"));
    }

    /**
     * The agreement: a requests (offering what its config offers), b's owner approves
     * {@code approved} (each TYPE:PARAM=VALUE,...) with {@code coopwan ctl approve}; returns when a
     * holds the agreement.
     */
    static void agree(NeighbourLab lab, Pairing pairing, Process daemonA, Path sockA, Process daemonB, Path sockB,
            String... approved) throws Exception {
        ControlSocket.call(sockA, "request", "{\"peer\":\"" + pairing.idB() + "\"}");
        poll("b", daemonB, sockB, "pending", j -> ControlSocket.size(j) == 1, 15);
        List<String> argv = new ArrayList<>(List.of("approve", pairing.idA()));
        argv.addAll(List.of(approved));
        Result approve = lab.exec("b", BondLab.ctl(sockB, argv.toArray(String[]::new)));
        if (approve.exitCode() != 0) {
            throw new IOException("approve on b: " + approve.describe());
        }
        poll("a", daemonA, sockA, "agreements", j -> ControlSocket.size(j) == 1, 15);
    }

    /** {@link #pair} then {@link #agree}. */
    static Pairing pairAndAgree(NeighbourLab lab, Process daemonA, Path sockA, Process daemonB, Path sockB,
            String... approved) throws Exception {
        Pairing pairing = pair(daemonA, sockA, daemonB, sockB);
        agree(lab, pairing, daemonA, sockA, daemonB, sockB, approved);
        return pairing;
    }

    /** A veth from the router's namespace to the host's, for its web UI; it dies with the namespace. */
    private void webLink(String router, String hostDev, String routerDev, String hostAddr, String routerAddr) {
        run("ip", "link", "add", hostDev, "type", "veth", "peer", "name", routerDev, "netns", lab.ns(router));
        run("ip", "addr", "add", hostAddr + "/30", "dev", hostDev);
        run("ip", "-n", lab.ns(router), "addr", "add", routerAddr + "/30", "dev", routerDev);
        run("ip", "link", "set", hostDev, "up");
        run("ip", "-n", lab.ns(router), "link", "set", routerDev, "up");
    }

    private Process startRouter(String name, String uplink, String peerDev, String webAddr, String hash, String offers,
            long uplinkKbps, String extra) throws IOException {
        String web = String.join("\n",
                "config web 'web'",
                "\toption enabled '1'",
                "\toption listen '" + webAddr + "'",
                "\toption port '" + WEB_PORT + "'",
                "\toption user 'admin'",
                "\toption password_hash '" + hash + "'");
        Path conf = routerConfig(dir, name, uplink, peerDev, uplinkKbps, web, offers, extra);
        return spawn(name, dir.resolve(name + ".log"), BondLab.launcher(conf, dir.resolve(name + "-state")));
    }

    /**
     * Writes router {@code name}'s configuration into {@code dir} (control socket {@code name.sock},
     * SNMP off, its uplink at {@code uplinkKbps} both ways, the peer link on {@link #PEER_PORT});
     * shared by the demos' stories. Returns its path.
     */
    static Path routerConfig(Path dir, String name, String uplink, String peerDev, long uplinkKbps, String web,
            String offers, String extra) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, String.join("\n",
                "config global 'global'",
                "\toption role 'router'",
                "\toption control_socket '" + dir.resolve(name + ".sock") + "'",
                web,
                "config snmp 'snmp'",
                "\toption enabled '0'",
                "config uplink 'wan'",
                "\toption device '" + uplink + "'",
                "\toption down_kbps '" + uplinkKbps + "'",
                "\toption up_kbps '" + uplinkKbps + "'",
                "config peer 'peer'",
                "\toption enabled '1'",
                "\toption device '" + peerDev + "'",
                "\toption port '" + PEER_PORT + "'",
                offers,
                extra,
                ""));
        return conf;
    }

    private synchronized Process spawn(String role, Path log, String... argv) throws IOException {
        if (closed) {
            throw new IOException("stopping");
        }
        Process p = new ProcessBuilder(lab.in(role, argv)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return p;
    }

    /** The web password hash the shipped default config carries (the password 'coopwan'). */
    static String defaultPasswordHash() throws IOException {
        String jar = System.getProperty("coopwan.jar", "target/coopwan.jar");
        try (JarFile j = new JarFile(jar)) {
            ZipEntry e = j.getEntry("net/coopwan/config/coopwan.default");
            if (e == null) {
                throw new IOException(jar + " has no net/coopwan/config/coopwan.default");
            }
            try (InputStream in = j.getInputStream(e)) {
                Matcher m = Pattern.compile("(?m)^\\s*option password_hash '([^']+)'")
                        .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IOException("no password_hash in the default config");
                }
                return m.group(1);
            }
        }
    }

    /** Polls {@code method} on router {@code name}'s control socket until {@code done} holds; fails when its daemon exits. */
    static Object poll(String name, Process daemon, Path socket, String method, Predicate<Object> done, long seconds)
            throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Object last = null;
        while (System.nanoTime() < until) {
            if (!daemon.isAlive()) {
                throw new IOException("router " + name + "'s daemon exited");
            }
            try {
                Object j = ControlSocket.call(socket, method, null);
                if (done.test(j)) {
                    return j;
                }
                last = j;
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(50);
        }
        throw new IOException("router " + name + ": " + method + " not as expected after " + seconds + " s: " + last);
    }

    /** One datagram the server received. */
    record Arrival(long nanos, String source, long seq) {
    }

    static List<Arrival> arrivals(Path file) throws IOException {
        List<Arrival> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String l : Files.readAllLines(file)) {
            String[] p = l.split(" ");
            if (p.length == 3) {
                try {
                    out.add(new Arrival(Long.parseLong(p[0]), p[1], Long.parseLong(p[2])));
                } catch (NumberFormatException e) {
                    // a line being written
                }
            }
        }
        return out;
    }

    /** The first datagram from {@code source} received after {@code since} (nanoTime), waiting up to {@code seconds}. */
    static Arrival firstFrom(Path file, String source, long since, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            for (Arrival a : arrivals(file)) {
                if (a.nanos() > since && a.source().equals(source)) {
                    return a;
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("the stream did not arrive from " + source + " within " + seconds + " s");
    }

    /** Datagrams sent between the last one from {@code from} before {@code first} and {@code first}: lost on the way. */
    static String lost(Path file, String from, Arrival first) throws IOException {
        long last = -1;
        for (Arrival a : arrivals(file)) {
            if (a.nanos() < first.nanos() && a.source().equals(from)) {
                last = a.seq();
            }
        }
        long n = last < 0 ? 0 : Math.max(0, first.seq() - last - 1);
        return n + (n == 1 ? " datagram" : " datagrams") + " lost";
    }

    static boolean waitForFile(Path file, String text, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static void run(String... argv) {
        Commands.run(T, List.of(argv)).orThrow();
    }

    /** Stops the daemons (SIGTERM: they remove their rules), the tools, then deletes the namespaces. Never throws. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : tools) {
            p.destroyForcibly();
        }
        for (Process p : new Process[] {daemonA, daemonB}) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : new Process[] {daemonA, daemonB}) {
            if (p != null) {
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // the web veths' host ends would go with a's and b's namespaces, but the kernel destroys a
        // namespace asynchronously, once its last process is gone: delete them now
        deleteHostLinks(prefix);
        if (lab != null) {
            lab.close();
        }
        try {
            Files.deleteIfExists(Lab.marker(prefix));
        } catch (IOException ignored) {
            // a next run finds the owner dead and the namespaces gone
        }
    }

    /** A free prefix {@code cwd<4 hex>}, marked as this JVM's in the lab's run directory. */
    static String claimPrefix() throws IOException {
        return claimPrefix(PREFIX_START);
    }

    /** A free prefix {@code <start><4 hex>}, marked as this JVM's in the lab's run directory. */
    static String claimPrefix(String start) throws IOException {
        Files.createDirectories(Lab.RUN_DIR);
        for (int attempt = 0; attempt < 100; attempt++) {
            String p = start + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
            if (Commands.run(T, List.of("ip", "netns", "list")).stdout().contains(p + "-")) {
                continue;
            }
            try {
                ProcessHandle me = ProcessHandle.current();
                Files.writeString(Files.createFile(Lab.marker(p)), me.pid() + " "
                        + me.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
                return p;
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // next attempt
            }
        }
        throw new IOException("no free demo prefix");
    }

    /** Deletes the host ends of the web veths of {@code prefix} (each takes its peer with it). */
    static void deleteHostLinks(String prefix) {
        for (String dev : List.of(prefix + "ha", prefix + "hb")) {
            if (Files.exists(Path.of("/sys/class/net", dev))) {
                Commands.run(T, List.of("ip", "link", "del", dev));
            }
        }
    }

    /** Deletes the namespaces and web veths of earlier demos whose JVM is gone (killed hard). */
    static void removeLeftovers() {
        removeLeftovers(PREFIX_START);
    }

    /** Deletes the namespaces and web veths {@code <start><4 hex>...} of earlier demos whose JVM is gone. */
    static void removeLeftovers(String start) {
        java.util.Set<String> prefixes = new java.util.TreeSet<>();
        Pattern ns = Pattern.compile("^(" + start + "[0-9a-f]{4})-(lan|a|b|inet)\\b");
        for (String line : Commands.run(T, List.of("ip", "netns", "list")).stdout().split("\n")) {
            Matcher m = ns.matcher(line.strip());
            if (m.find()) {
                prefixes.add(m.group(1));
            }
        }
        String[] devs = new java.io.File("/sys/class/net").list();
        for (String dev : devs == null ? new String[0] : devs) {
            if (dev.matches(start + "[0-9a-f]{4}h[ab]")) {
                prefixes.add(dev.substring(0, dev.length() - 2));
            }
        }
        for (String p : prefixes) {
            if (!Lab.ownerAlive(p)) {
                deleteHostLinks(p);
                NeighbourLab.removeLeftovers(p);
                try {
                    Files.deleteIfExists(Lab.marker(p));
                } catch (IOException ignored) {
                    // harmless
                }
            }
        }
    }
}
