package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The secure channel end to end with two packaged daemons in two namespaces on a veth
 * (100.64.77.1/24 and 100.64.77.2/24): {@code ctl pair start} on a shows a code, a wrong code
 * typed on b is refused and counted, the right code pairs them, the channel is ESTABLISHED on
 * both; blocking UDP on the peer port with nftables moves the channel to TCP (the same session)
 * after {@code tcp_fallback_s} (2 s here) and removing the block brings it back to UDP; cutting
 * the veth makes it CONNECTING on both, restoring it ESTABLISHED again. Prints the handshake
 * time, the keep-alive bytes per second and the times of the transport changes.
 *
 * <p>Namespaces and links are named {@code cwc<4 hex>a/b}, {@code cwc<4 hex>x/y} and deleted in
 * finally; leftovers of an earlier run are deleted first. {@code -Dchannel.lab.prefix=XYZ} gives
 * them another three-letter prefix, for runs beside another checkout's.
 */
class ChannelLabIT {
    static final Duration CMD = Duration.ofSeconds(10);
    static final int PORT = 4790;
    static final int TCP_FALLBACK_S = 2;
    static final String PREFIX = System.getProperty("channel.lab.prefix", "cwc");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        Result r = Commands.run(CMD, List.of("ip", "netns", "list"));
        for (String line : r.stdout().split("\n")) {
            String ns = line.split(" ")[0].trim();
            if (ns.matches(java.util.regex.Pattern.quote(PREFIX) + "[0-9a-f]{4}[ab]")) {
                deleteNamespace(ns);
            }
        }
    }

    static void deleteNamespace(String ns) {
        DiscoveryLabIT.deleteNamespace(ns);
    }

    static void run(String... argv) {
        Commands.run(CMD, List.of(argv)).orThrow();
    }

    /**
     * One router: its namespace, device, address and daemon (AgreementLabIT uses it too). Its
     * {@code offers} are the config's {@code offer} sections, replaceable before {@link #start}.
     */
    static final class Router {
        final Path dir;
        final String name;
        final String ns;
        final String device;
        final int port;
        final Path socket;
        final Path log;
        /** The snmp section: off unless a test serves the MIB from this router. */
        String snmp = "config snmp 'snmp'\n\toption enabled '0'";
        String offers = String.join("\n",
                "config offer 'emergency'",
                "\toption type 'emergency'",
                "\toption enabled '1'",
                "config offer 'duplication'",
                "\toption type 'duplication'",
                "\toption enabled '1'");
        /** The uplink's device ('lo' where no uplink matters) and any further sections. */
        String uplinkDevice = "lo";
        /** The uplink's configured rates (the sharing tests size them). */
        long downKbps = 1_000_000;
        long upKbps = 300_000;
        String extra = "";
        Process process;

        Router(Path dir, String prefix, String name, String device, int port) {
            this.dir = dir;
            this.name = name;
            this.ns = prefix + name;
            this.device = device;
            this.port = port;
            this.socket = dir.resolve(name + ".sock");
            this.log = dir.resolve(name + ".log");
        }

        void start() throws IOException {
            Path conf = dir.resolve(name + ".conf");
            Files.writeString(conf, String.join("\n",
                    "config global 'global'",
                    "\toption role 'router'",
                    "\toption control_socket '" + socket + "'",
                    "config web 'web'",
                    "\toption enabled '0'",
                    snmp,
                    "config uplink 'wan'",
                    "\toption device '" + uplinkDevice + "'",
                    "\toption down_kbps '" + downKbps + "'",
                    "\toption up_kbps '" + upKbps + "'",
                    "config peer 'peer'",
                    "\toption enabled '1'",
                    "\toption device '" + device + "'",
                    "\toption port '" + port + "'",
                    "\toption tcp_fallback_s '" + TCP_FALLBACK_S + "'",
                    offers,
                    extra,
                    ""));
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(List.of(BondLab.launcher(conf, dir.resolve(name + "-state"))));
            // appended: a restarted daemon's log follows the first one's
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }

        /** {@code coopwan ctl --socket S [--json] peers} run inside the namespace. */
        Result ctl(boolean json) {
            return ctl(json, "peers");
        }

        /** {@code coopwan ctl --socket S [--json] ARGS...} run inside the namespace. */
        Result ctl(boolean json, String... args) {
            String jar = System.getProperty("coopwan.jar", "target/coopwan.jar");
            String launcher = System.getProperty("coopwan.launcher", "files/coopwan");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env",
                    "COOPWAN_JAR=" + Path.of(jar).toAbsolutePath(), "COOPWAN_CDS=/nonexistent",
                    "sh", Path.of(launcher).toAbsolutePath().toString(), "ctl", "--socket", socket.toString()));
            if (json) {
                cmd.add("--json");
            }
            cmd.addAll(List.of(args));
            return Commands.run(Duration.ofSeconds(30), cmd);
        }

        JsonNode peers() throws IOException {
            Result r = ctl(true);
            return r.exitCode() == 0 ? JSON.readTree(r.stdout()) : null;
        }

        String logText() {
            try {
                return Files.exists(log) ? Files.readString(log) : "(no log)";
            } catch (IOException e) {
                return "(unreadable log: " + e + ")";
            }
        }

        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }


    /**
     * Puts {@code a} and {@code b} in namespaces of their own joined by a veth, {@code net}.1/24 on
     * a and {@code net}.2/24 on b, every link up. The caller deletes the namespaces.
     */
    static void wire(Router a, Router b, String net) {
        run("ip", "netns", "add", a.ns);
        run("ip", "netns", "add", b.ns);
        run("ip", "link", "add", a.device, "type", "veth", "peer", "name", b.device);
        run("ip", "link", "set", a.device, "netns", a.ns);
        run("ip", "link", "set", b.device, "netns", b.ns);
        run("ip", "-n", a.ns, "addr", "add", net + ".1/24", "brd", "+", "dev", a.device);
        run("ip", "-n", b.ns, "addr", "add", net + ".2/24", "brd", "+", "dev", b.device);
        for (Router r : List.of(a, b)) {
            run("ip", "-n", r.ns, "link", "set", "lo", "up");
            run("ip", "-n", r.ns, "link", "set", r.device, "up");
        }
    }

    /** The channel to the one paired peer as {@code p} shows it, or null. */
    static JsonNode channel(Router p) throws IOException {
        JsonNode j = p.peers();
        if (j == null) {
            return null;
        }
        JsonNode peers = j.path("channel").path("peers");
        return peers.isEmpty() ? null : peers.get(0);
    }

    static String state(Router p) throws IOException {
        JsonNode c = channel(p);
        return c == null ? "none" : c.path("state").asText();
    }

    static long waitFor(Router a, Router b, String want, long seconds) throws Exception {
        long t0 = System.nanoTime();
        long until = t0 + TimeUnit.SECONDS.toNanos(seconds);
        while (!(want.equals(state(a)) && want.equals(state(b))) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertEquals(want, state(a), "router a: " + a.peers() + "\n" + a.logText());
        assertEquals(want, state(b), "router b: " + b.peers() + "\n" + b.logText());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void pairByCodeThenTheChannelSurvivesACutCable() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        Router a = new Router(dir, prefix, "a", prefix + "x", PORT);
        Router b = new Router(dir, prefix, "b", prefix + "y", PORT);
        try {
            wire(a, b, "100.64.77");
            a.start();
            b.start();
            long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(listening(a) && listening(b)) && System.nanoTime() < ready) {
                assertTrue(a.process.isAlive() && b.process.isAlive(), "daemons run:\n" + a.logText() + "\n" + b.logText());
                Thread.sleep(100);
            }
            assertTrue(listening(a) && listening(b), a.peers() + "\n" + b.peers());

            // a shows a code for b
            Result start = a.ctl(false, "pair", "start", "100.64.77.2");
            assertEquals(0, start.exitCode(), start.describe());
            Matcher m = Pattern.compile("pairing code (\\d{4}-\\d{4}) for 100\\.64\\.77\\.2").matcher(start.stdout());
            assertTrue(m.find(), start.stdout());
            String code = m.group(1);
            System.out.print("coopwan ctl pair start on router a:\n" + start.stdout());

            // a wrong code typed on b: refused with a clear error, counted on both sides
            String wrong = code.equals("0000-0000") ? "0000-0001" : "0000-0000";
            Result bad = b.ctl(false, "pair", "enter", "100.64.77.1", wrong);
            assertEquals(1, bad.exitCode(), bad.describe());
            assertTrue(bad.stderr().contains("wrong pairing code") && bad.stderr().contains("1 of 5"), bad.describe());
            System.out.print("wrong code on router b: " + bad.stderr());

            // the right code pairs them
            long t0 = System.nanoTime();
            Result ok = b.ctl(false, "pair", "enter", "100.64.77.1", code);
            assertEquals(0, ok.exitCode(), ok.describe() + "\n" + a.logText() + "\n" + b.logText());
            assertTrue(ok.stdout().startsWith("paired with coop-"), ok.stdout());
            System.out.printf("pairing (ctl pair enter incl. the ctl JVM start, J-PAKE over UDP) took %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            java.time.Instant entered = java.time.Instant.now();
            long up = waitFor(a, b, "ESTABLISHED", 15);
            System.out.printf("channel ESTABLISHED on both (polled) %d ms after ctl pair enter returned; by the daemons'"
                    + " clocks a at %+d ms, b at %+d ms from that return%n", up, since(a, entered), since(b, entered));
            JsonNode ca = channel(a);
            JsonNode cb = channel(b);
            assertEquals(ca.path("sessionId").asText(), cb.path("sessionId").asText());
            assertEquals(b.peers().path("channel").path("routerId").asText(), ca.path("peerId").asText());
            JsonNode initiator = "initiator".equals(ca.path("role").asText()) ? ca : cb;
            System.out.printf("handshake (init sent to keys ready, initiator): %.2f ms%n", initiator.path("handshakeMs").asDouble());
            Result table = a.ctl(false, "peers");
            System.out.print("coopwan ctl peers on router a:\n" + table.stdout());
            assertTrue(table.stdout().contains("ESTABLISHED"), table.stdout());

            // keep-alive overhead over 10 s
            long s0 = channel(a).path("sentBytes").asLong();
            long p0 = channel(a).path("sentPackets").asLong();
            long w0 = System.nanoTime();
            Thread.sleep(10_000);
            long s1 = channel(a).path("sentBytes").asLong();
            long p1 = channel(a).path("sentPackets").asLong();
            double secs = (System.nanoTime() - w0) / 1e9;
            double bps = (s1 - s0) / secs;
            double pps = (p1 - p0) / secs;
            System.out.printf("keep-alive overhead per direction: %.1f B/s UDP payload, %.2f packets/s, %.1f B/s with IPv4+UDP headers%n",
                    bps, pps, bps + 28 * pps);
            assertTrue(pps > 0.8 && pps < 1.3, "about one keep-alive per second: " + pps);

            udpBlockedMovesTheChannelToTcpAndBack(a, b);

            // cut the cable: CONNECTING on both within 5 s (+ 1 s keep-alive period + polling)
            long ctl0 = System.nanoTime();
            a.peers();
            System.out.printf("(one coopwan ctl call takes %d ms: the polling below is that coarse; the daemons' own"
                    + " state-change times are printed too)%n", (System.nanoTime() - ctl0) / 1_000_000);
            String session = ca.path("sessionId").asText();
            java.time.Instant cut = java.time.Instant.now();
            run("ip", "-n", a.ns, "link", "set", a.device, "down");
            long down = waitFor(a, b, "CONNECTING", 15);
            System.out.printf("CONNECTING on both (polled) %d ms after the cut; by the daemons' clocks a after %d ms,"
                    + " b after %d ms (5 s of silence after the last keep-alive)%n", down, since(a, cut), since(b, cut));
            long sinceA = since(a, cut);
            assertTrue(sinceA >= 3900 && sinceA <= 6500, "dead 4-6 s after the cut: " + sinceA);
            assertTrue(a.logText().contains("CONNECTING: nothing authenticated for 5 s"), a.logText());
            Thread.sleep(3000);
            java.time.Instant restored = java.time.Instant.now();
            run("ip", "-n", a.ns, "link", "set", a.device, "up");
            long back = waitFor(a, b, "ESTABLISHED", 40);
            System.out.printf("ESTABLISHED again (polled) %d ms after the cable came back; by the daemons' clocks a after"
                    + " %d ms, b after %d ms (the initiator's next backoff step)%n", back, since(a, restored), since(b, restored));
            assertNotEquals(session, channel(a).path("sessionId").asText(), "a new session");
            assertEquals(channel(a).path("sessionId").asText(), channel(b).path("sessionId").asText());
            assertEquals(2, channel(a).path("establishments").asLong());
            JsonNode init2 = "initiator".equals(channel(a).path("role").asText()) ? channel(a) : channel(b);
            System.out.printf("handshake after the reconnect (warm JVM): %.2f ms%n", init2.path("handshakeMs").asDouble());

            // the pairing survives a restart of b
            b.stop();
            b.start();
            long again = waitFor(a, b, "ESTABLISHED", 40);
            System.out.printf("ESTABLISHED again %d ms after b was restarted (stored pairing, no code)%n", again);
        } finally {
            a.stop();
            b.stop();
            deleteNamespace(a.ns);
            deleteNamespace(b.ns);
        }
    }

    /**
     * UDP on the peer port dropped both ways in a's namespace (nftables): the initiator switches
     * to TCP after {@code tcp_fallback_s} of silence, the session stays (the switch comes before
     * the 5 s death); without the rule, the next probe of UDP brings both back to UDP.
     */
    void udpBlockedMovesTheChannelToTcpAndBack(Router a, Router b) throws Exception {
        long phase = System.nanoTime();
        JsonNode ca = channel(a);
        assertEquals("udp", ca.path("transport").asText(), ca.toString());
        String session = ca.path("sessionId").asText();
        long establishments = ca.path("establishments").asLong();
        Router init = "initiator".equals(ca.path("role").asText()) ? a : b;
        int tcpLines = lines(a, "transport tcp") + lines(b, "transport tcp");
        java.time.Instant blocked = java.time.Instant.now();
        nft(a, "add", "table", "inet", "cwtest");
        nft(a, "add", "chain", "inet", "cwtest", "in", "{ type filter hook input priority 0 ; }");
        nft(a, "add", "chain", "inet", "cwtest", "out", "{ type filter hook output priority 0 ; }");
        nft(a, "add", "rule", "inet", "cwtest", "in", "udp", "dport", String.valueOf(PORT), "drop");
        nft(a, "add", "rule", "inet", "cwtest", "out", "udp", "dport", String.valueOf(PORT), "drop");
        JsonNode ta;
        JsonNode tb;
        try {
            // the daemons' logs first (a file read, not a ctl JVM): the rule goes again before the
            // first probe of UDP (4 s after the switch), so the way back is quick too
            waitForLines(a, b, "transport tcp", tcpLines + 2, TCP_FALLBACK_S + 10);
            ta = channel(a);
            tb = channel(b);
        } finally {
            nft(a, "delete", "table", "inet", "cwtest");
        }
        java.time.Instant open = java.time.Instant.now();
        for (JsonNode c : List.of(ta, tb)) {
            assertEquals("ESTABLISHED", c.path("state").asText(), c.toString());
            assertEquals("tcp", c.path("transport").asText(), c.toString());
            assertEquals(session, c.path("sessionId").asText(), "the same session: TCP is only a transport");
        }
        assertEquals(establishments, ta.path("establishments").asLong());
        assertTrue(init.logText().contains("transport tcp: no authenticated reply over UDP for " + TCP_FALLBACK_S + " s"),
                init.logText());
        System.out.printf("router a, UDP blocked: %s %s via %s, session %s, sent %d B, received %d B%n", ta.path("peerId").asText(),
                ta.path("state").asText(), ta.path("transport").asText(), ta.path("sessionId").asText(),
                ta.path("sentBytes").asLong(), ta.path("receivedBytes").asLong());

        int udpLines = lines(a, "transport udp") + lines(b, "transport udp");
        waitForLines(a, b, "transport udp", udpLines + 2, 40);
        JsonNode ua = channel(a);
        JsonNode ub = channel(b);
        for (JsonNode c : List.of(ua, ub)) {
            assertEquals("ESTABLISHED", c.path("state").asText(), c.toString());
            assertEquals("udp", c.path("transport").asText(), c.toString());
            assertEquals(session, c.path("sessionId").asText(), "still the same session");
        }
        assertEquals(establishments, ua.path("establishments").asLong());
        JsonNode ea = events(a);
        JsonNode eb = events(b);
        long tcpA = eventAfter(ea, "transport tcp", blocked);
        long tcpB = eventAfter(eb, "transport tcp", blocked);
        System.out.printf("UDP blocked (nftables, both ways) -> ESTABLISHED over TCP on both, same session: by the daemons'"
                + " clocks a at %d ms, b at %d ms after the block (tcp_fallback_s %d, counted from the last keep-alive heard,"
                + " at most 1 s before the block)%n", tcpA, tcpB, TCP_FALLBACK_S);
        long last = Math.max(tcpA, tcpB);
        assertTrue(last >= TCP_FALLBACK_S * 1000L - 1100 && last <= TCP_FALLBACK_S * 1000L + 2000,
                "on TCP within the fallback time (less the time since the last keep-alive) plus the connect: " + last);
        System.out.printf("UDP open again -> back on UDP, same session: by the daemons' clocks a at %d ms, b at %d ms after"
                + " the rule went (the next probe of UDP: 4 s after the switch, then 8, 16, 30 s apart; the rule went %d ms"
                + " after the block)%n", eventAfter(ea, "transport udp", open), eventAfter(eb, "transport udp", open),
                java.time.Duration.between(blocked, open).toMillis());
        System.out.printf("(the UDP block phase took %d ms of the test, ctl calls included)%n", (System.nanoTime() - phase) / 1_000_000);
    }

    static int lines(Router r, String text) {
        String log = r.logText();
        int n = 0;
        for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    /** Waits until the two logs together have {@code want} lines with {@code text}. */
    static void waitForLines(Router a, Router b, String text, int want, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (lines(a, text) + lines(b, text) < want && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(lines(a, text) + lines(b, text) >= want, "'" + text + "' on both:\n" + a.logText() + "\n" + b.logText());
    }

    static void nft(Router r, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", r.ns, "nft"));
        cmd.addAll(List.of(args));
        Commands.run(CMD, cmd).orThrow();
    }

    static JsonNode events(Router r) throws IOException {
        Result res = r.ctl(true, "events", "200");
        assertEquals(0, res.exitCode(), res.describe());
        return JSON.readTree(res.stdout());
    }

    /** Milliseconds from {@code t} to the first of {@code events} at or after it whose message contains {@code text}. */
    static long eventAfter(JsonNode events, String text, java.time.Instant t) {
        for (JsonNode e : events) {
            java.time.Instant at = java.time.Instant.parse(e.path("time").asText());
            if (!at.isBefore(t) && e.path("message").asText().contains(text)) {
                return java.time.Duration.between(t, at).toMillis();
            }
        }
        throw new AssertionError("no event '" + text + "' after " + t + ":\n" + events);
    }

    /** Milliseconds from {@code t} to when {@code r}'s channel entered its current state. */
    static long since(Router r, java.time.Instant t) throws IOException {
        return java.time.Duration.between(t, java.time.Instant.parse(channel(r).path("since").asText())).toMillis();
    }

    static boolean listening(Router r) throws IOException {
        JsonNode j = r.peers();
        return j != null && j.path("channel").path("state").asText().startsWith("listening");
    }
}
