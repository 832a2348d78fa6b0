package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.coopwan.daemon.coop.advert.AdvertCodec;
import net.coopwan.daemon.coop.advert.AdvertInfo;
import net.coopwan.daemon.coop.advert.AdvertTag;
import net.coopwan.daemon.coop.advert.CooperationType;
import net.coopwan.daemon.coop.advert.UplinkType;
import net.coopwan.lab.ChannelLabIT.Router;

/**
 * Discovery end to end with two packaged daemons: router a and router b in two network
 * namespaces joined by a veth (100.64.77.1/24 and 100.64.77.2/24), peer link enabled on it,
 * web and SNMP off. Each lists the other in {@code coopwan ctl peers} within 5 s; a beacon
 * with a wrong tag from a third socket is a counted drop and never listed; a stopped router
 * is gone after 7 s.
 *
 * <p>Namespaces and links are named {@code cwd<4 hex>a/b}, {@code cwd<4 hex>x/y} and deleted in
 * finally; leftovers of an earlier run (processes included) are deleted first.
 */
class DiscoveryLabIT {
    static final Duration CMD = Duration.ofSeconds(10);
    static final int PORT = 4790;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        Result r = Commands.run(CMD, List.of("ip", "netns", "list"));
        for (String line : r.stdout().split("\n")) {
            String ns = line.split(" ")[0].trim();
            if (ns.matches("cwd[0-9a-f]{4}[ab]")) {
                deleteNamespace(ns);
            }
        }
    }

    static void deleteNamespace(String ns) {
        Result pids = Commands.run(CMD, List.of("ip", "netns", "pids", ns));
        for (String p : pids.stdout().split("\\s+")) {
            if (p.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Commands.run(CMD, List.of("ip", "netns", "del", ns));
    }

    /** One router: ChannelLabIT's (its namespace, device, daemon and ctl), only a offers emergency. */
    Router router(String prefix, String name, String device) {
        Router r = new Router(dir, prefix, name, device, PORT);
        r.offers = String.join("\n",
                "config offer 'emergency'",
                "\toption type 'emergency'",
                "\toption enabled '" + ("a".equals(name) ? "1" : "0") + "'",
                "config offer 'duplication'",
                "\toption type 'duplication'",
                "\toption enabled '1'");
        return r;
    }

    /** The routers {@code p} lists, or an empty list when its daemon does not answer yet. */
    static List<JsonNode> routers(Router p) throws IOException {
        JsonNode j = p.peers();
        List<JsonNode> out = new ArrayList<>();
        if (j != null) {
            j.path("routers").forEach(out::add);
        }
        return out;
    }

    static boolean lists(Router p, String address) throws IOException {
        return routers(p).stream().anyMatch(r -> address.equals(r.path("address").asText()));
    }

    @Test
    void twoDaemonsSeeEachOtherAndAForgedBeaconIsACountedDrop() throws Exception {
        String prefix = "cwd" + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        Router a = router(prefix, "a", prefix + "x");
        Router b = router(prefix, "b", prefix + "y");
        try {
            ChannelLabIT.wire(a, b, "100.64.77");
            a.start();
            b.start();

            // Both daemons answer first (JVM start-up is not discovery's time), then 5 s to see each other.
            long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((a.peers() == null || b.peers() == null) && System.nanoTime() < ready) {
                assertTrue(a.process.isAlive() && b.process.isAlive(), "daemons run:\n" + a.logText() + "\n" + b.logText());
                Thread.sleep(100);
            }
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(5);
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                seen = lists(a, "100.64.77.2") && lists(b, "100.64.77.1");
                if (!seen) {
                    Thread.sleep(100);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(seen, "each router lists the other within 5 s\nrouter a:\n" + a.logText() + "\nrouter b:\n" + b.logText()
                    + "\npeers a: " + a.peers() + "\npeers b: " + b.peers());
            System.out.printf("routers saw each other %d ms after both answered%n", ms);

            // what router a shows of b: b's own offers (duplication only), its uplink classes
            JsonNode ofB = routers(a).get(0);
            assertEquals(1, routers(a).size(), routers(a).toString());
            assertEquals(List.of("duplication"), JSON.convertValue(ofB.get("offers"), List.class));
            assertTrue(ofB.get("willing").asBoolean());
            assertEquals(b.peers().get("nonce").asText(), ofB.get("nonce").asText(), "a lists b under b's own nonce");
            assertEquals(a.peers().get("nonce").asText(), routers(b).get(0).get("nonce").asText());
            assertEquals("512-1023 Mbit/s", ofB.get("downstream").asText());
            assertTrue(a.logText().contains("peer link: router " + ofB.get("nonce").asText() + " (100.64.77.2) seen, offers [duplication]"),
                    a.logText());
            assertTrue(b.logText().contains("(100.64.77.1) seen, offers [emergency, duplication]"), b.logText());
            Result table = a.ctl(false);
            assertEquals(0, table.exitCode(), table.describe());
            assertTrue(table.stdout().lines().anyMatch(l -> l.startsWith("100.64.77.2 ") && l.contains("duplication")),
                    table.stdout());
            System.out.print("coopwan ctl peers on router a:\n" + table.stdout());

            // a third socket in b's namespace broadcasts a beacon with a wrong tag
            long before = a.peers().path("drops").path("CHECKSUM_MISMATCH").asLong();
            AdvertInfo forged = new AdvertInfo(true, EnumSet.allOf(CooperationType.class), UplinkType.FIBRE, 15, 15, 0,
                    0x0BAD, 0);
            byte[] beacon = AdvertCodec.encodeBeacon(forged, AdvertTag.checksum());
            beacon[15] ^= 0x01;
            List<String> send = new ArrayList<>(List.of("ip", "netns", "exec", b.ns));
            send.addAll(List.of(Lab.javaBinary(), "-cp", Lab.classpathOf(BeaconSender.class), BeaconSender.class.getName(),
                    "100.64.77.255", Integer.toString(PORT), HexFormat.of().formatHex(beacon), "3"));
            Commands.run(Duration.ofSeconds(30), send).orThrow();
            long drops = before;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (drops < before + 3 && System.nanoTime() < until) {
                Thread.sleep(100);
                drops = a.peers().path("drops").path("CHECKSUM_MISMATCH").asLong();
            }
            assertEquals(before + 3, drops, "three forged beacons counted: " + a.peers());
            assertTrue(routers(a).stream().noneMatch(r -> "0bad".equals(r.path("nonce").asText())), routers(a).toString());
            assertEquals(1, routers(a).size());

            // router b stops: a says it is gone 7 s after its last advert
            b.stop();
            long goneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            while (lists(a, "100.64.77.2") && System.nanoTime() < goneBy) {
                Thread.sleep(200);
            }
            assertEquals(0, routers(a).size(), "b is gone from a's table");
            assertTrue(a.logText().contains("(100.64.77.2) gone (not heard for 7 s)"), a.logText());
        } finally {
            a.stop();
            b.stop();
            deleteNamespace(a.ns);
            deleteNamespace(b.ns);
        }
    }
}
