package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.lab.ChannelLabIT.Router;

/**
 * Bandwidth sharing with two packaged daemons in {@link NeighbourLab}: b (the sharer) offers what
 * its own users leave idle, a (the borrower, its uplink busy by configuration) moves new TCP
 * sessions to port 80 onto it, and the server sees them come from b's address; when b's own users
 * need the line, a's new sessions stay home again; after a kill -9 of either, its restart leaves
 * nothing of the killed run's sharing in the kernel. Namespaces {@code cwsh<4 hex>-*}.
 */
class SharingLabIT {
    static final int PORT = 4794;
    static final String PREFIX = System.getProperty("sharing.lab.prefix", "cwsh");
    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        NeighbourLab.removeLeftovers(PREFIX);
    }

    /** Router a, the borrower: it offers sharing, and its small line (1 Mbit/s) is busy from 0 % with {@code busy_percent 0}. */
    static Router borrower(Path dir, NeighbourLab lab, int port) {
        Router a = new Router(dir, lab.ns(""), "a", lab.aPeer(), port);
        a.uplinkDevice = lab.aWan();
        a.offers = EmergencyDemo.SHARING_OFFER;
        a.downKbps = 1000;
        a.upKbps = 1000;
        return a;
    }

    /** Router b, the sharer: a 20 Mbit/s line, nothing of its own offered. */
    static Router sharer(Path dir, NeighbourLab lab, int port) {
        Router b = new Router(dir, lab.ns(""), "b", lab.bPeer(), port);
        b.uplinkDevice = lab.bWan();
        b.offers = "";
        b.downKbps = 20_000;
        b.upKbps = 20_000;
        return b;
    }

    /** One short connection from the LAN host: the address the server saw. */
    static String connect(NeighbourLab lab) {
        Result r = lab.exec("lan", "python3", "-c", "import socket; s = socket.create_connection(('" + NeighbourLab.SERVER
                + "', 80), 3); s.sendall(b'x'); print(s.makefile().readline().strip())");
        return r.exitCode() == 0 ? r.stdout().strip() : "failed: " + r.describe();
    }

    /** Of {@code n} new connections, how many the server saw from b. */
    static int viaB(NeighbourLab lab, int n) {
        int b = 0;
        for (int i = 0; i < n; i++) {
            String from = connect(lab);
            if (from.equals(NeighbourLab.B_WAN)) {
                b++;
            } else {
                assertEquals(NeighbourLab.A_WAN, from, "every connection works, from one address or the other");
            }
        }
        return b;
    }

    /** Sharing's kernel state in {@code router}'s namespace: its nft tables and its rule at 31085, if any. */
    static String sharingState(NeighbourLab lab, String router) {
        StringBuilder sb = new StringBuilder();
        for (String l : lab.exec(router, "nft", "list", "tables").stdout().split("\n")) {
            if (l.contains("coopwan_share") || l.contains("coopwan_lend")) {
                sb.append(l.trim()).append("; ");
            }
        }
        for (String l : lab.exec(router, "ip", "-4", "rule", "show").stdout().split("\n")) {
            if (l.startsWith("31085:")) {
                sb.append(l.trim()).append("; ");
            }
        }
        return sb.toString();
    }

    /** Waits (at most 10 s) until nothing of sharing is left in {@code router}'s kernel. */
    static void awaitClean(NeighbourLab lab, String router) throws InterruptedException {
        awaitClean(lab, router, SharingLabIT::sharingState);
    }

    /** Waits (at most 10 s) until {@code state} finds nothing left in {@code router}'s kernel. */
    static void awaitClean(NeighbourLab lab, String router, java.util.function.BiFunction<NeighbourLab, String, String> state)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!state.apply(lab, router).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertEquals("", state.apply(lab, router), "left in " + router + "'s kernel after its restart");
    }

    /**
     * The borrower a (a 1 Mbit/s line, busy from 0 %: it borrows as soon as it is offered something,
     * offering bandwidth_sharing) and the sharer b (a 20 Mbit/s line), both with T = 1 s so a test
     * needs seconds, not minutes; not started.
     */
    static Router[] routers(Path dir, NeighbourLab lab) {
        Router a = borrower(dir, lab, PORT);
        Router b = sharer(dir, lab, PORT);
        // the LAN devices whose sessions may move are the failover section's (no emergency here)
        a.extra = String.join("\n", "config sharing 'sharing'", "\toption window_s '1'", "\toption busy_percent '0'",
                "config failover 'failover'", "\toption enabled '0'", "\tlist lan '" + lab.aLan() + "'");
        b.extra = String.join("\n", "config sharing 'sharing'", "\toption window_s '1'");
        return new Router[] {a, b};
    }

    static String events(Router r) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : AgreementLabIT.rpc(r, "events", "{\"limit\": 200}")) {
            if (e.path("message").asText().startsWith("sharing:")) {
                sb.append(e.path("message").asText()).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void newSessionsUseTheNeighboursSpareAndStayHomeOnceItsUsersNeedIt() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        List<Process> tools = new ArrayList<>();
        try (NeighbourLab lab = new NeighbourLab(prefix)) {
            Router[] ab = routers(dir, lab);
            Router a = ab[0];
            Router b = ab[1];
            try {
                a.start();
                b.start();
                String idA = EmergencyLabIT.pairAndAgree(a, b, EmergencyDemo.SHARING_APPROVED)[0];
                tools.add(new ProcessBuilder(lab.in("inet", "python3", "-c", EmergencyDemo.WHO)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                Thread.sleep(500);
                assertEquals(NeighbourLab.A_WAN, connect(lab), "before any offer, the LAN uses a's own uplink");

                // b offers after 3 windows (a whole one, then two to rise); a asks, b grants, a borrows
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!events(a).contains("borrowing -> borrowing") && !events(a).contains("opening -> borrowing")
                        && System.nanoTime() < until) {
                    Thread.sleep(250);
                }
                String log = events(a) + events(b);
                assertTrue(events(a).contains("opening -> borrowing"), log);
                Thread.sleep(1500); // the share of new sessions is set within a second
                // the same, as the front-ends see it (JSON-RPC on the control socket, and ctl)
                JsonNode onA = AgreementLabIT.rpc(a, "sharing", null);
                assertEquals("BORROWING", onA.path("borrowing").path(0).path("state").asText(), onA.toString());
                assertTrue(onA.path("borrowing").path(0).path("perMille").asInt() > 0, onA.toString());
                JsonNode onB = AgreementLabIT.rpc(b, "sharing", null);
                assertEquals("LENDING", onB.path("lending").path(0).path("state").asText(), onB.toString());
                assertEquals(idA, onB.path("lending").path(0).path("peerId").asText());
                Result ctl = b.ctl(false, "sharing");
                assertEquals(0, ctl.exitCode(), ctl.describe());
                System.out.println("coopwan ctl sharing on b:\n" + ctl.stdout());
                int moved = viaB(lab, 20);
                System.out.println("of 20 new connections, " + moved + " went through b\n" + events(a) + events(b));
                // 5000 / (5000 + 1000) of the eligible new sessions: about 17 of 20
                assertTrue(moved >= 5, moved + " of 20 through b; " + log);

                // b's own users take their line: a download of 19 of its 20 Mbit/s
                tools.add(new ProcessBuilder(lab.in("inet", "iperf3", "-s", "-p", "5203", "-B", NeighbourLab.SERVER))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                Thread.sleep(500);
                tools.add(new ProcessBuilder(lab.in("b", "iperf3", "-c", NeighbourLab.SERVER, "-p", "5203", "-R", "-t", "30",
                        "-b", "19M")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                long busy = System.nanoTime();
                until = busy + TimeUnit.SECONDS.toNanos(15);
                // b's download direction is full, its upload still has room: b offers nothing down,
                // and a, whose own line is busy downwards, moves no new session
                while (!events(a).contains("nothing offered down") && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                long handedBackMs = (System.nanoTime() - busy) / 1_000_000;
                assertTrue(events(a).contains("nothing offered down"), events(a) + events(b));
                System.out.println("b's own download started; a stopped moving new sessions " + handedBackMs
                        + " ms later (window 1 s)");
                assertTrue(handedBackMs < 3_000, handedBackMs + " ms from the download command, T = 1 s");
                Thread.sleep(500);
                assertEquals(0, viaB(lab, 10), "b's users need their line: a's new sessions stay home");

                // kill -9 of both while the path is open: what each left is gone after its restart
                assertTrue(sharingState(lab, "b").contains("coopwan_lend"), "b lends: " + sharingState(lab, "b"));
                assertTrue(sharingState(lab, "a").contains("coopwan_share"), "a borrows: " + sharingState(lab, "a"));
                b.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                a.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                assertTrue(sharingState(lab, "a").contains("31085"), "a's killed run left its rule: " + sharingState(lab, "a"));
                assertTrue(lab.exec("a", "nft", "list", "tables").stdout().contains("coopwan_hosts"),
                        "a learned download hosts while it borrowed, and its kill -9 left the copy rules");
                // a alone (no sharer to borrow from): its start removes what the killed run left
                a.start();
                AgreementLabIT.awaitListening(a);
                awaitClean(lab, "a");
                // b with a stopped (no borrower to lend to): likewise
                a.stop();
                assertFalse(lab.exec("a", "nft", "list", "tables").stdout().contains("coopwan_hosts"),
                        "a's clean stop removes the copy rules of download-host learning");
                b.start();
                AgreementLabIT.awaitListening(b);
                awaitClean(lab, "b");
            } finally {
                tools.forEach(Process::destroyForcibly);
                a.stop();
                b.stop();
                // the daemons' logs, for a failure's reader (the temporary directory goes with the test)
                for (String n : List.of("a", "b")) {
                    java.nio.file.Path log = dir.resolve(n + ".log");
                    if (java.nio.file.Files.exists(log)) {
                        java.nio.file.Files.copy(log, java.nio.file.Path.of("target", "sharing-lab-" + n + ".log"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}
