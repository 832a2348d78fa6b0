package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * {@link SharingLabIT}'s two packaged daemons, with the front-ends' counters and the sharer's
 * owner: a's LAN downloads through b, and both daemons' sharing status (JSON-RPC, as every
 * front-end sees it) shows the kernel's bytes in the right direction and the sessions open now;
 * then b's owner stops lending to a ({@code coopwan ctl sharing stop}), a's next new sessions stay
 * home, and after a kill -9 and restart of b the stop and b's byte totals are still there; resumed,
 * a is offered its share again. Namespaces {@code hf<4 hex>-*}.
 */
class SharingCountersLabIT {
    static final String PREFIX = "hf";
    /** Bytes each download sends: much more down than up. */
    static final int DOWNLOAD = 300_000;
    /** A server on port 443 (a port whose sessions move) that sends DOWNLOAD bytes, then waits for the client to close. */
    static final String SENDER = String.join("\n",
            "import socket, threading",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('" + NeighbourLab.SERVER + "', 443)); s.listen(64)",
            "def serve(c):",
            "    with c:",
            "        c.sendall(b'x' * " + DOWNLOAD + "); c.settimeout(60); c.recv(1)",
            "while True:",
            "    c, a = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()");
    /** argv: N, SECONDS. Opens N connections, reads each download, says "ready N", keeps them open SECONDS. */
    static final String HOLDER = String.join("\n",
            "import socket, sys, time",
            "cs = []",
            "for i in range(int(sys.argv[1])):",
            "    c = socket.create_connection(('" + NeighbourLab.SERVER + "', 443), 5); n = 0",
            "    while n < " + DOWNLOAD + ":",
            "        d = c.recv(65536)",
            "        if not d: break",
            "        n += len(d)",
            "    cs.append(c)",
            "print('ready', len(cs), flush=True)",
            "time.sleep(float(sys.argv[2]))");

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        NeighbourLab.removeLeftovers(PREFIX);
    }

    /** Waits (at most {@code seconds}) until {@code r}'s sharing events contain {@code text}. */
    static boolean awaitEvent(Router r, String text, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!SharingLabIT.events(r).contains(text) && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        return SharingLabIT.events(r).contains(text);
    }

    @Test
    void countersMoveInTheRightDirectionAndTheOwnersStopKeepsNewSessionsHomeAcrossAKill() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        List<Process> tools = new ArrayList<>();
        try (NeighbourLab lab = new NeighbourLab(prefix)) {
            Router[] ab = SharingLabIT.routers(dir, lab);
            Router a = ab[0];
            Router b = ab[1];
            try {
                a.start();
                b.start();
                String idA = EmergencyLabIT.pairAndAgree(a, b, EmergencyDemo.SHARING_APPROVED)[0];
                tools.add(new ProcessBuilder(lab.in("inet", "python3", "-c", EmergencyDemo.WHO)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                tools.add(new ProcessBuilder(lab.in("inet", "python3", "-c", SENDER)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                assertTrue(awaitEvent(a, "opening -> borrowing", 30), SharingLabIT.events(a) + SharingLabIT.events(b));
                Thread.sleep(1500); // the share of new sessions is set within a second

                // 10 downloads from a's LAN, kept open: most go through b (5000 / 6000 of them)
                Process holder = new ProcessBuilder(lab.in("lan", "python3", "-c", HOLDER, "10", "20"))
                        .redirectErrorStream(true).start();
                tools.add(holder);
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("ready 10", out.readLine(), "the downloads");
                Thread.sleep(2500); // the next readings of the kernel (each second), on both

                JsonNode onA = AgreementLabIT.rpc(a, "sharing", null);
                JsonNode onB = AgreementLabIT.rpc(b, "sharing", null);
                System.out.println("sharing on a (borrower): " + onA + "\nsharing on b (sharer): " + onB);
                JsonNode borrowing = onA.path("borrowing").path(0);
                JsonNode lending = onB.path("lending").path(0);
                long sessionsA = borrowing.path("sessions").asLong();
                assertTrue(sessionsA >= 1 && sessionsA <= 10, "a's connections on b now: " + borrowing);
                assertTrue(borrowing.path("sessionsMoved").asLong() >= sessionsA, borrowing.toString());
                assertEquals(sessionsA, lending.path("sessions").asLong(), "b carries what a moved: " + lending);
                // each moved download brought DOWNLOAD bytes of payload down; up only the requests' ACKs
                for (JsonNode p : List.of(borrowing, lending)) {
                    assertTrue(p.path("bytesDown").asLong() >= sessionsA * DOWNLOAD, p.toString());
                    assertTrue(p.path("bytesUp").asLong() > 0, p.toString());
                    assertTrue(p.path("bytesDown").asLong() > 5 * p.path("bytesUp").asLong(), "the right direction: " + p);
                }
                assertEquals(lending.path("bytesDown").asLong(), onB.path("totals").path("bytesLentDown").asLong());
                assertEquals(borrowing.path("bytesDown").asLong(), onA.path("totals").path("bytesBorrowedDown").asLong());
                assertEquals(sessionsA, onA.path("totals").path("sessionsBorrowed").asLong());
                Result ctl = a.ctl(false, "sharing");
                System.out.println("coopwan ctl sharing on a:\n" + ctl.stdout());
                long lentBefore = onB.path("totals").path("bytesLentDown").asLong();

                // b's owner stops lending to a: a is offered nothing, its next new sessions stay home
                Result stop = b.ctl(false, "sharing", "stop", idA);
                assertEquals(0, stop.exitCode(), stop.describe());
                long stopped = System.nanoTime();
                assertTrue(awaitEvent(a, "borrowing -> draining", 5), SharingLabIT.events(a) + SharingLabIT.events(b));
                System.out.println("b's owner stopped lending; a stopped moving new sessions "
                        + (System.nanoTime() - stopped) / 1_000_000 + " ms later");
                assertEquals(0, SharingLabIT.viaB(lab, 10), "stopped: a's new sessions stay home");
                assertTrue(SharingLabIT.events(b).contains("lending: stopped by the owner (cli)"), SharingLabIT.events(b));

                // kill -9 of b and a restart: the stop and b's totals are kept
                holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                b.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                b.start();
                AgreementLabIT.awaitListening(b);
                Thread.sleep(5000); // more than the 3 windows after which b would offer again
                JsonNode after = AgreementLabIT.rpc(b, "sharing", null);
                System.out.println("sharing on b after its kill -9 and restart: " + after);
                assertTrue(after.path("totals").path("bytesLentDown").asLong() >= lentBefore, "kept: " + after);
                JsonNode again = after.path("lending").path(0);
                assertEquals(idA, again.path("peerId").asText(), after.toString());
                assertTrue(again.path("stopped").asBoolean(), after.toString());
                assertEquals(0, again.path("offerDownKbps").asLong(), after.toString());
                assertTrue(after.path("spareDownKbps").asLong() > 0, "b has spare to lend, and lends none: " + after);
                assertEquals(0, SharingLabIT.viaB(lab, 10), "still stopped after the restart");

                // resumed: b offers a its share again (a borrows once its old path drained: the
                // killed run's sessions linger in a's conntrack, so that is not waited for here)
                Result resume = b.ctl(false, "sharing", "resume", idA);
                assertEquals(0, resume.exitCode(), resume.describe());
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                JsonNode resumed = AgreementLabIT.rpc(b, "sharing", null).path("lending").path(0);
                while (resumed.path("offerDownKbps").asLong() == 0 && System.nanoTime() < until) {
                    Thread.sleep(200);
                    resumed = AgreementLabIT.rpc(b, "sharing", null).path("lending").path(0);
                }
                assertTrue(!resumed.path("stopped").asBoolean() && resumed.path("offerDownKbps").asLong() > 0,
                        "resumed: offered again; " + resumed + "\n" + SharingLabIT.events(b));
            } finally {
                tools.forEach(Process::destroyForcibly);
                a.stop();
                b.stop();
                for (String n : List.of("a", "b")) {
                    Path log = dir.resolve(n + ".log");
                    if (java.nio.file.Files.exists(log)) {
                        java.nio.file.Files.copy(log, Path.of("target", "sharing-counters-lab-" + n + ".log"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}
