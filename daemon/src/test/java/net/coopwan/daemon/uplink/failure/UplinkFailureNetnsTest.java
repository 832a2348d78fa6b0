package net.coopwan.daemon.uplink.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.uplink.failure.UplinkVerdict.State;

/**
 * The real probers and runner on a veth pair between two namespaces of our own: {@code up0}
 * (198.18.200.1/30, the router's uplink) and {@code isp0} (198.18.200.2/30, the ISP side, which
 * answers ICMP echo, runs a UDP echo on port 7007 and routes to a second server, 198.18.201.2,
 * on its loopback). The line is then black-holed with
 * nftables (everything arriving at {@code isp0} dropped, ARP too, and nothing sent) and later
 * cut by taking {@code isp0} down; the runner must declare each within 1 s (carrier: 300 ms) and
 * recover when the line is back. Traffic goes only to addresses inside these namespaces.
 */
class UplinkFailureNetnsTest {
    private static final long MS = 1_000_000L;

    @BeforeAll
    static void needsNamespaces() {
        assumeTrue(FdNetns.available(), "needs root, ip netns, nsenter and nft");
    }

    /** Counts the replies a real prober hands over. */
    static final class Counting implements Prober {
        final Prober p;
        final AtomicLong replies = new AtomicLong();

        Counting(Prober p) {
            this.p = p;
        }

        @Override
        public ProbeTarget target() {
            return p.target();
        }

        @Override
        public boolean send(long seq) {
            return p.send(seq);
        }

        @Override
        public int drain(LongConsumer sink, int max) {
            return p.drain(seq -> {
                replies.incrementAndGet();
                sink.accept(seq);
            }, max);
        }

        @Override
        public long ignored() {
            return p.ignored();
        }

        @Override
        public long sendFailures() {
            return p.sendFailures();
        }

        @Override
        public String lastError() {
            return p.lastError();
        }

        @Override
        public void close() {
            p.close();
        }
    }

    private UplinkFailureRunner runner;
    private List<Counting> probers = List.of();

    private UplinkVerdict await(List<UplinkVerdict> changes, int index, long maxMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxMs * MS;
        while (changes.size() <= index && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(changes.size() > index, () -> "no change " + index + " within " + maxMs + " ms: " + changes
                + "; runner ticks " + runner.ticks() + ", tick errors " + runner.tickErrors() + "; "
                + probers.stream().map(p -> p.target() + " replies " + p.replies.get() + " ignored " + p.ignored()
                        + " send failures " + p.sendFailures() + " last error '" + p.lastError() + "'").toList());
        return changes.get(index);
    }

    private static void awaitReplies(List<Counting> probers, long atLeast, long maxMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxMs * MS;
        while (probers.stream().anyMatch(p -> p.replies.get() < atLeast) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (Counting p : probers) {
            assertTrue(p.replies.get() >= atLeast, p.target() + " answered " + p.replies.get() + " probes; "
                    + p.lastError());
        }
    }

    @Test
    void realProbesSeeRepliesAndTheRunnerDeclaresBlackHoleAndCarrierLossAndRecovery() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (FdNetns router = FdNetns.create(); FdNetns isp = FdNetns.create()) {
            router.sh("ip", "link", "add", "up0", "type", "veth", "peer", "name", "isp0", "netns", isp.name);
            router.sh("ip", "addr", "add", "198.18.200.1/30", "dev", "up0");
            isp.sh("ip", "addr", "add", "198.18.200.2/30", "dev", "isp0");
            router.sh("ip", "link", "set", "up0", "up");
            isp.sh("ip", "link", "set", "isp0", "up");
            // A second server one hop away, behind the ISP side as gateway.
            isp.sh("ip", "addr", "add", "198.18.201.2/32", "dev", "lo");
            router.sh("ip", "route", "add", "198.18.201.2/32", "via", "198.18.200.2", "dev", "up0");
            Path sysClassNet = router.mountSysfs();

            DatagramSocket echo = isp.call(() -> {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("198.18.200.2"), 7007));
                s.setSoTimeout(100);
                return s;
            });
            Thread echoThread = isp.start("udp-echo", () -> {
                byte[] buf = new byte[512];
                try (echo) {
                    while (!stop.get()) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        try {
                            echo.receive(p);
                            echo.send(p);
                        } catch (SocketTimeoutException e) {
                            // look at stop again
                        } catch (java.io.IOException e) {
                            // EPERM while nftables drops our output: the echo is lost, as it should be
                            if (echo.isClosed()) {
                                return;
                            }
                        }
                    }
                }
            });

            UplinkFailureSettings settings = UplinkFailureSettings.DEFAULTS.withTargets(List.of(
                    ProbeTarget.parse("icmp:198.18.200.2"), ProbeTarget.parse("udp:198.18.200.2:7007"),
                    ProbeTarget.parse("icmp:198.18.201.2")));
            probers = router.call(() -> UplinkFailureRunner.openProbers(settings, "up0", null))
                    .stream().map(Counting::new).toList();
            List<UplinkVerdict> changes = new CopyOnWriteArrayList<>();
            runner = new UplinkFailureRunner("up0", settings, new SysfsDeviceReader(sysClassNet), probers,
                    (dev, v) -> {
                        changes.add(v);
                        System.out.println("uplink " + dev + ": " + v.line());
                    });
            runner.start();

            awaitReplies(probers, 10, 3000);
            Thread.sleep(500);
            assertEquals(List.of(), changes, "healthy line, no change");
            assertEquals(0, probers.get(0).sendFailures());
            assertEquals(0, probers.get(0).ignored() + probers.get(2).ignored(),
                    "each ICMP socket sees only its own target's replies");

            // A silent black-hole: the ISP side drops everything that reaches it and sends nothing.
            long cut = System.nanoTime();
            isp.nft("""
                    table netdev cwfd {
                      chain in {
                        type filter hook ingress device "isp0" priority 0; policy drop;
                      }
                    }
                    table inet cwfd {
                      chain out {
                        type filter hook output priority 0; policy drop;
                      }
                    }
                    """);
            long cutDone = System.nanoTime();
            UplinkVerdict failed = await(changes, 0, 3000);
            // The line died while the command ran: the detection time is between these two.
            long detect = failed.atNanos() - cutDone;
            System.out.println("black-hole declared " + detect / MS + " ms after the nft command ended, "
                    + (failed.atNanos() - cut) / MS + " ms after it started");
            assertEquals(State.FAILED, failed.state());
            assertTrue(detect < 1000 * MS, "black-hole declared after " + detect / MS + " ms");

            long restored = System.nanoTime();
            isp.sh("nft", "delete", "table", "netdev", "cwfd");
            isp.sh("nft", "delete", "table", "inet", "cwfd");
            UplinkVerdict back = await(changes, 1, 6000);
            long recover = back.atNanos() - restored;
            System.out.println("recovered " + recover / MS + " ms after the black-hole was lifted");
            assertEquals(State.HEALTHY, back.state());
            assertTrue(recover < 5000 * MS, "recovered after " + recover / MS + " ms");

            // Carrier: the far end goes down, so up0 loses its carrier.
            long down = System.nanoTime();
            isp.sh("ip", "link", "set", "isp0", "down");
            long downDone = System.nanoTime();
            UplinkVerdict carrier = await(changes, 2, 3000);
            long carrierMs = (carrier.atNanos() - downDone) / MS;
            System.out.println("carrier loss declared " + carrierMs + " ms after 'ip link set isp0 down' ended, "
                    + (carrier.atNanos() - down) / MS + " ms after it started");
            assertEquals("carrier down", carrier.reason());
            assertTrue(carrierMs < 300, "carrier loss declared after " + carrierMs + " ms");

            long up = System.nanoTime();
            isp.sh("ip", "link", "set", "isp0", "up");
            UplinkVerdict again = await(changes, 3, 10_000);
            long againMs = (again.atNanos() - up) / MS;
            System.out.println("recovered " + againMs + " ms after isp0 came up (recover time x"
                    + again.recoverFactor() + ": a flap within 60 s)");
            assertEquals(State.HEALTHY, again.state());
            // The line itself needs up to a second after the link comes up (carrier, ARP) before
            // the first reply; the recover time counts from there.
            assertTrue(againMs < 2000L * again.recoverFactor() + 2000, "recovered after " + againMs + " ms");
            System.out.println("probe replies: " + probers.stream().map(p -> p.target() + " " + p.replies.get()
                    + " (ignored " + p.ignored() + ", send failures " + p.sendFailures() + ")").toList());
            runner.close();
            stop.set(true);
            echoThread.join(2000);
        } finally {
            stop.set(true);
            if (runner != null) {
                runner.close();
            }
        }
    }
}
