package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay in this JVM on loopback: flags, control lines, scheduled outages and garbage. */
class ImpairmentRelayTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private DatagramSocket echo;
    private Thread echoThread;
    private ImpairmentRelay relay;

    @BeforeEach
    void startEcho() throws Exception {
        echo = new DatagramSocket(new InetSocketAddress(LO, 0));
        echoThread = new Thread(() -> {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!echo.isClosed()) {
                try {
                    p.setData(buf);
                    echo.receive(p);
                    echo.send(p);
                } catch (Exception e) {
                    // closed at the end of the test
                }
            }
        }, "test-echo");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        echo.close();
        echoThread.join(2000);
    }

    private ImpairmentRelay relay(String... flags) throws Exception {
        String[] args = new String[flags.length + 4];
        args[0] = "--listen";
        args[1] = "0";
        args[2] = "--upstream";
        args[3] = "127.0.0.1:" + echo.getLocalPort();
        System.arraycopy(flags, 0, args, 4, flags.length);
        relay = ImpairmentRelay.Options.parse(args).create();
        relay.start();
        return relay;
    }

    /** Sends count datagrams, one every intervalMs, and returns how many came back. */
    private int roundTrips(int count, long intervalMs) throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            client.setSoTimeout(300);
            InetSocketAddress target = new InetSocketAddress(LO, relay.listenPort());
            for (int i = 0; i < count; i++) {
                client.send(new DatagramPacket(new byte[] {(byte) i}, 1, target));
                Thread.sleep(intervalMs);
            }
            int back = 0;
            byte[] buf = new byte[16];
            for (int i = 0; i < count; i++) {
                try {
                    client.receive(new DatagramPacket(buf, buf.length));
                    back++;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            return back;
        }
    }

    @Test
    void perDirectionFlagsSetOnlyTheirDirection() throws Exception {
        relay("--up-delay-ms", "30", "--down-loss-pct", "5", "--rate-kbps", "800", "--up-reorder", "--seed", "9");
        String show = relay.command("show");
        assertTrue(show.startsWith("up delay=30.0 jitter=0.0 loss=0.0 rate=800 queue=200.0 reorder=true"), show);
        assertTrue(show.contains("| down delay=0.0 jitter=0.0 loss=5.0 rate=800 queue=200.0 reorder=false"), show);
    }

    @Test
    void badFlagsAreRefusedWithUsage() {
        assertThrows(IllegalArgumentException.class, () -> ImpairmentRelay.Options.parse(new String[] {"--listen", "1"}));
        assertThrows(IllegalArgumentException.class,
                () -> ImpairmentRelay.Options.parse(new String[] {"--listen", "1", "--upstream", "x:1", "--warp", "9"}));
        assertThrows(IllegalArgumentException.class,
                () -> ImpairmentRelay.Options.parse(new String[] {"--listen", "1", "--upstream", "x:1", "--delay-ms"}));
        assertThrows(IllegalArgumentException.class,
                () -> ImpairmentRelay.Options.parse(new String[] {"--listen", "0", "--upstream", "127.0.0.1:9",
                    "--loss-pct", "120"}).create());
    }

    @Test
    void relaysBothWaysAndCountersAddUp() throws Exception {
        relay();
        assertEquals(20, roundTrips(20, 1));
        String stats = relay.command("stats");
        RelayControl.Stats s = RelayControl.Stats.parse(stats);
        assertEquals(20, s.up().forwarded(), stats);
        assertEquals(20, s.down().forwarded(), stats);
        assertTrue(s.up().addsUp() && s.down().addsUp(), stats);
        assertEquals(1, s.clients());
    }

    @Test
    void scheduledOutageFromStartDropsTheFirstDatagrams() throws Exception {
        relay("--up-outage", "0:400");
        assertEquals(0, roundTrips(5, 1));
        Thread.sleep(450);
        assertEquals(5, roundTrips(5, 1));
        RelayControl.Stats s = RelayControl.Stats.parse(relay.command("stats"));
        assertEquals(5, s.up().droppedOutage());
        assertEquals(0, s.down().droppedOutage());
    }

    @Test
    void controlLinesOverTcpAndTheirErrors() throws Exception {
        relay();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LO)) {
            port = probe.getLocalPort();
        }
        relay.serveControl(port);
        try (Socket s = new Socket(LO, port);
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            s.setSoTimeout(5000);
            out.println("set up rate 2000");
            assertEquals("ok", in.readLine());
            out.println("set down loss 10");
            assertEquals("ok", in.readLine());
            out.println("outage 1500");
            assertEquals("ok", in.readLine());
            out.println("set down loss 101");
            assertTrue(in.readLine().startsWith("error"));
            out.println("set up");
            assertTrue(in.readLine().startsWith("error usage"));
            out.println("outage soon");
            assertTrue(in.readLine().startsWith("error"));
            out.println("x".repeat(5000));
            assertTrue(in.readLine().startsWith("error"));
            out.println("stats");
            assertTrue(in.readLine().startsWith("up.received=0 "));
        }
        assertTrue(relay.command("show").contains("outages=1"));
    }

    @Test
    void randomGarbageOfAnySizeNeverStopsTheRelay() throws Exception {
        relay("--loss-pct", "3", "--jitter-ms", "2", "--rate-kbps", "200000");
        Random random = new Random(20);
        int sent = 0;
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            client.setSendBufferSize(4 << 20);
            InetSocketAddress target = new InetSocketAddress(LO, relay.listenPort());
            byte[] buf = new byte[65507];
            for (int i = 0; i < 1000; i++) {
                int len = random.nextInt(20) == 0 ? random.nextInt(buf.length + 1) : random.nextInt(200);
                random.nextBytes(buf);
                client.send(new DatagramPacket(buf, len, target));
                sent++;
            }
        }
        for (int i = 0; i < 50; i++) {
            RelayControl.Stats s = RelayControl.Stats.parse(relay.command("stats"));
            if (s.up().received() == sent && s.up().queued() == 0 && s.down().queued() == 0) {
                break;
            }
            Thread.sleep(50);
        }
        RelayControl.Stats s = RelayControl.Stats.parse(relay.command("stats"));
        assertEquals(sent, s.up().received(), s.toString());
        assertTrue(s.up().addsUp() && s.down().addsUp(), s.toString());
        assertEquals("pong", relay.command("ping"));
        relay.command("reset");
        assertEquals(10, roundTrips(10, 1), "still relaying");
    }

    @Test
    void burstyLossAndDelayStepsPerDirectionFromFlagsAndControlLines() throws Exception {
        relay("--up-gemean", "1,4", "--down-ge", "1,30,100", "--down-steps", "60000:40:5,120000:20");
        String show = relay.command("show");
        String up = show.substring(0, show.indexOf(" | "));
        String down = show.substring(show.indexOf(" | "));
        assertTrue(up.contains("loss=ge:" + LinkImpairment.GilbertElliott.ofMean(1, 4)) && up.endsWith("steps=0"), show);
        assertTrue(down.contains("loss=ge:1.0,30.0,100.0,0.0") && down.endsWith("steps=2"), show);
        assertEquals("ok", relay.command("set down gemean 5,2"));
        assertEquals("ok", relay.command("set up steps 1000:50:5"));
        assertEquals("ok", relay.command("set down steps off"));
        show = relay.command("show");
        assertTrue(show.contains("| down delay=0.0 jitter=0.0 loss=ge:" + LinkImpairment.GilbertElliott.ofMean(5, 2)), show);
        assertTrue(show.contains("steps=1 |") && show.endsWith("steps=0"), show);
        assertTrue(relay.command("set down gemean 80,1").startsWith("error gemean"));
        assertTrue(relay.command("set both steps 2000:1,1000:2").startsWith("error steps' offsets must increase"));
        assertTrue(show.equals(relay.command("show")), "a refused line changes nothing");
        assertThrows(IllegalArgumentException.class, () -> ImpairmentRelay.Options.parse(new String[] {"--listen", "0",
            "--upstream", "127.0.0.1:9", "--up-steps", "10:x"}).create());
    }

    @Test
    void aDelayStepSetAtRunTimeCountsFromTheControlLine() throws Exception {
        relay();
        Thread.sleep(1000);
        // from the relay's start this step would be due 100 ms ago; from the line it is 900 ms away
        assertEquals("ok", relay.command("set up steps 900:150"));
        assertEquals(1, roundTrips(1, 0));
        assertTrue(relay.command("show").startsWith("up delay=0.0 "), relay.command("show"));
        Thread.sleep(1000);
        long t = System.nanoTime();
        assertEquals(1, roundTrips(1, 0));
        long rttMs = (System.nanoTime() - t) / 1_000_000;
        assertTrue(rttMs >= 150, "round trip after the step " + rttMs + " ms");
        assertTrue(relay.command("show").startsWith("up delay=150.0 "), relay.command("show"));
    }
}
