package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.lab.ChannelLabIT.Router;
import net.coopwan.luci.client.ControlClient;
import net.coopwan.luci.rpc.RpcException;

/**
 * The cooperation handshake (FIG. 3A) between two packaged daemons in two namespaces on a veth
 * (100.64.78.1/24 and 100.64.78.2/24, peer port 4792): paired by code, router a (requester)
 * offers emergency 1000..10000 kbit/s and duplication, {@code ctl request} sends the offer, b's
 * owner sees it in {@code ctl pending}, an approval outside the range is refused with nothing
 * stored, {@code ctl approve} of emergency alone persists the same agreement on both
 * ({@code ctl agreements}), and both survive a restart of both daemons. After pairing, {@code ctl info}
 * on a shows b's uplink with its configured rates and the traffic of a ping on it. Before pairing,
 * b lists a among its nearby routers (discovery); at the end, b's SNMP agent shows a in
 * COOPWAN-MIB's peerTable as up(3) with emergency(0) enabled (net-snmp's snmpwalk, SNMPv3
 * authPriv, agent on b's loopback port 16171).
 *
 * <p>Namespaces and links are named {@code cwg<4 hex>a/b}, {@code cwg<4 hex>x/y} and deleted in
 * finally; leftovers of an earlier run are deleted first.
 */
class AgreementLabIT {
    static final int PORT = 4792;
    /** Namespace prefix; {@code -Dlab.prefix=...} lets parallel runs of this test keep apart. */
    static final String PREFIX = System.getProperty("lab.prefix", "cwg");
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
            "config offer 'duplication'",
            "\toption type 'duplication'",
            "\toption enabled '1'");
    static final String APPROVED = "emergency:bandwidth_kbps=5000,quota_bytes=50000000,window_ms=1000";

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        Result r = Commands.run(ChannelLabIT.CMD, List.of("ip", "netns", "list"));
        for (String line : r.stdout().split("\n")) {
            String ns = line.split(" ")[0].trim();
            if (ns.matches(PREFIX + "[0-9a-f]{4}[ab]")) {
                ChannelLabIT.deleteNamespace(ns);
            }
        }
    }

    /**
     * One JSON-RPC call on {@code r}'s control socket from this JVM (a unix socket is not in a
     * network namespace): polling this way costs milliseconds where a {@code ctl} JVM costs a
     * second or more. The commands an owner types are run as {@code ctl}.
     */
    static JsonNode rpc(Router r, String method, String params) throws Exception {
        try (ControlClient c = ControlClient.connect(r.socket, Duration.ofSeconds(15))) {
            return c.call(method, params == null ? null : ChannelLabIT.JSON.readTree(params));
        }
    }

    /** {@code method} polled until {@code done} holds (at most {@code seconds}); a refused call counts as not yet. */
    static JsonNode poll(Router r, String method, Predicate<JsonNode> done, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Object last = null;
        while (System.nanoTime() < until) {
            assertTrue(r.process.isAlive(), "daemon " + r.name + " runs:\n" + r.logText());
            try {
                JsonNode j = rpc(r, method, null);
                if (done.test(j)) {
                    return j;
                }
                last = j;
            } catch (java.io.IOException | RpcException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("router " + r.name + ": " + method + " never satisfied: " + last + "\n" + r.logText());
    }

    /** Milliseconds from the newest event of {@code from} containing {@code first} to that of {@code to} containing {@code second}. */
    static long between(Router from, String first, Router to, String second) throws Exception {
        return Duration.between(eventTime(from, first), eventTime(to, second)).toMillis();
    }

    static java.time.Instant eventTime(Router r, String part) throws Exception {
        for (JsonNode e : rpc(r, "events", "{\"limit\": 200}")) {
            if (e.path("message").asText().contains(part)) {
                return java.time.Instant.parse(e.path("time").asText());
            }
        }
        throw new AssertionError("no event with '" + part + "' on " + r.name + ":\n" + r.logText());
    }

    static JsonNode channel(JsonNode peers) {
        return peers.path("channel");
    }

    static void awaitListening(Router... routers) throws Exception {
        for (Router r : routers) {
            poll(r, "peers", j -> channel(j).path("state").asText().startsWith("listening"), 30);
        }
    }

    static void awaitEstablished(Router... routers) throws Exception {
        for (Router r : routers) {
            poll(r, "peers", j -> "ESTABLISHED".equals(channel(j).path("peers").path(0).path("state").asText()), 15);
        }
    }

    static final int SNMP_PORT = 16171;
    static final String SNMP_USER = "labuser";
    static final String SNMP_AUTH = "lab-auth-pass";
    static final String SNMP_PRIV = "lab-priv-pass";

    /**
     * Polls {@code snmpwalk} (SNMPv3 authPriv, numeric OIDs) of the peerTable on {@code r} until the
     * row of {@code peerId} says up(3) with emergency(0) set; returns that row's varbinds.
     */
    static String peerRow(Router r, String peerId) throws Exception {
        String entry = net.coopwan.snmp.mib.CoopwanMib.PEER_ENTRY.toDottedString();
        String id = "." + net.coopwan.snmp.mib.CoopwanMib.PEER_ID.toDottedString() + ".";
        String state = "." + net.coopwan.snmp.mib.CoopwanMib.PEER_STATE.toDottedString() + ".";
        String types = "." + net.coopwan.snmp.mib.CoopwanMib.PEER_COOP_TYPES.toDottedString() + ".";
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String last = "";
        while (System.nanoTime() < until) {
            Result w = snmpwalk(r, entry);
            last = w.describe();
            String index = null;
            for (String l : w.stdout().split("\n")) {
                if (l.startsWith(id) && l.endsWith("\"" + peerId + "\"")) {
                    index = l.substring(id.length(), l.indexOf(' '));
                }
            }
            if (index != null) {
                String s = null;
                String t = null;
                StringBuilder row = new StringBuilder();
                for (String l : w.stdout().split("\n")) {
                    String oid = l.contains(" ") ? l.substring(0, l.indexOf(' ')) : l;
                    if (oid.startsWith("." + entry + ".") && oid.endsWith("." + index)) {
                        row.append(l).append("; ");
                    }
                    if (l.startsWith(state + index + " ")) {
                        s = l.substring(l.indexOf('=') + 1).trim();
                    }
                    if (l.startsWith(types + index + " ")) {
                        t = l.substring(l.indexOf('=') + 1).trim();
                    }
                }
                if ("INTEGER: 3".equals(s) && t != null && t.matches("(Hex-STRING|BITS): 80.*")) {
                    return row.toString();
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("peerTable on " + r.name + " shows no up(3) row with emergency for " + peerId + ":\n" + last);
    }

    /** net-snmp's snmpwalk of {@code oid} on {@code r}'s agent, SNMPv3 authPriv, numeric OIDs. */
    static Result snmpwalk(Router r, String oid) throws Exception {
        return Commands.run(Duration.ofSeconds(15), List.of("ip", "netns",
                "exec", r.ns, "snmpwalk", "-v3", "-l", "authPriv", "-u", SNMP_USER, "-a", "SHA-256", "-A", SNMP_AUTH,
                "-x", "AES", "-X", SNMP_PRIV, "-On", "-r", "1", "-t", "2", "127.0.0.1:" + SNMP_PORT, oid));
    }

    @Test
    void ownerApprovesASubsetAndTheAgreementSurvivesRestartsOfBoth() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        Router a = new Router(dir, prefix, "a", prefix + "x", PORT);
        Router b = new Router(dir, prefix, "b", prefix + "y", PORT);
        a.offers = OFFERS;
        b.offers = "";
        b.snmp = String.join("\n", "config snmp 'snmp'", "\toption listen '127.0.0.1'", "\toption port '" + SNMP_PORT + "'",
                "\toption v3_user '" + SNMP_USER + "'", "\toption v3_auth_protocol 'SHA-256'",
                "\toption v3_auth_pass '" + SNMP_AUTH + "'", "\toption v3_priv_protocol 'AES-128'",
                "\toption v3_priv_pass '" + SNMP_PRIV + "'");
        try {
            ChannelLabIT.wire(a, b, "100.64.78");
            a.start();
            b.start();
            awaitListening(a, b);
            String idA = channel(rpc(a, "peers", null)).path("routerId").asText();
            String idB = channel(rpc(b, "peers", null)).path("routerId").asText();

            // discovery first (FIG. 3A step 302): b hears a's beacon, with the types a offers
            long heard0 = System.nanoTime();
            JsonNode nearby = poll(b, "nearby", j -> {
                for (JsonNode r : j.path("routers")) {
                    if (r.path("address").asText().equals("100.64.78.1")) {
                        return true;
                    }
                }
                return false;
            }, 20);
            System.out.printf("b lists a among its nearby routers %d ms after the ctl polling began%n",
                    (System.nanoTime() - heard0) / 1_000_000);
            JsonNode heardA = null;
            for (JsonNode r : nearby.path("routers")) {
                if (r.path("address").asText().equals("100.64.78.1")) {
                    heardA = r;
                }
            }
            assertTrue(heardA.path("offers").toString().contains("emergency"), "a's advert names its offers: " + heardA);

            // pairing over the control socket, as ChannelLabIT shows with ctl
            String code = rpc(a, "pair.start", "{\"address\":\"100.64.78.2\"}").path("code").asText();
            rpc(b, "pair.enter", "{\"address\":\"100.64.78.1\",\"code\":\"" + code + "\"}");
            awaitEstablished(a, b);

            // additional information on request ([0101]-[0103]): a asks b for its uplinks and their traffic;
            // some traffic on b's uplink device (lo in b's namespace) first, so the figures are not all zero
            long i0 = System.nanoTime();
            ChannelLabIT.run("ip", "netns", "exec", b.ns, "ping", "-c", "5", "-i", "0.2", "-q", "127.0.0.1");
            Result info = a.ctl(false, "info", idB);
            assertEquals(0, info.exitCode(), info.describe());
            System.out.print("coopwan ctl info on router a:\n" + info.stdout());
            assertTrue(info.stdout().startsWith("information from " + idB + ", received "), info.describe());
            assertTrue(info.stdout().matches("(?s).*\\nwan\\s+unknown\\s+up\\s+1 Gbit/s\\s+300 Mbit/s\\s+.*"), info.describe());
            // b's figures need two of its 1 s traffic samples: right after b started there may be one,
            // so a asks again (bounded) until b has them, as an admin would who saw "0 s"
            JsonNode wanOfB = rpc(a, "info", "{\"peer\":\"" + idB + "\"}").path("uplinks").path(0);
            for (int i = 0; i < 10 && !(wanOfB.path("windowS").asInt() > 0 && wanOfB.path("rxPeakBps").asLong() > 0); i++) {
                ChannelLabIT.run("ip", "netns", "exec", b.ns, "ping", "-c", "3", "-i", "0.2", "-q", "127.0.0.1");
                rpc(a, "info.request", "{\"peer\":\"" + idB + "\",\"wait_ms\":3000}");
                wanOfB = rpc(a, "info", "{\"peer\":\"" + idB + "\"}").path("uplinks").path(0);
            }
            assertTrue(wanOfB.path("windowS").asInt() > 0 && wanOfB.path("rxPeakBps").asLong() > 0
                    && wanOfB.path("rxPeakBps").asLong() >= wanOfB.path("rxAvgBps").asLong(), "b's pings counted: " + wanOfB);
            assertTrue(b.logText().contains("cooperation with " + idA + ": information request"), b.logText());
            System.out.printf("info step %d ms (a ping of 1 s and one ctl JVM start); by the daemons' event times request"
                    + " sent on a -> information received on a %d ms%n", (System.nanoTime() - i0) / 1_000_000,
                    between(a, "information request", a, "information received"));

            // b has nothing to offer: its request is refused before anything is sent
            RpcException nothing = org.junit.jupiter.api.Assertions.assertThrows(RpcException.class,
                    () -> rpc(b, "request", "{\"peer\":\"" + idA + "\"}"));
            assertTrue(nothing.getMessage().contains("offers nothing") && "INCONSISTENT".equals(nothing.reason()),
                    nothing.getMessage() + " " + nothing.reason());

            // a requests; b's owner sees the offer with its ranges
            long t0 = System.nanoTime();
            Result request = a.ctl(false, "request", idB);
            assertEquals(0, request.exitCode(), request.describe());
            System.out.print("coopwan ctl request on router a:\n" + request.stdout());
            JsonNode pending = poll(b, "pending", j -> j.size() == 1, 10);
            System.out.printf("offer pending on b %d ms after ctl request was started (incl. two ctl JVM starts)%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertEquals(idA, pending.get(0).path("peerId").asText());
            JsonNode bw = pending.get(0).path("offered").path("emergency").path("bandwidth_kbps");
            assertEquals(1000, bw.path("min").asLong());
            assertEquals(10000, bw.path("max").asLong());
            assertTrue(pending.get(0).path("offered").has("duplication"), pending.toString());
            System.out.print("coopwan ctl pending on router b:\n" + b.ctl(false, "pending").stdout());

            // outside the range: a clear refusal, nothing stored on either side
            Result outside = b.ctl(false, "approve", idA, APPROVED.replace("5000", "20000"));
            assertEquals(1, outside.exitCode(), outside.describe());
            assertTrue(outside.stderr().contains("OUT_OF_RANGE: emergency bandwidth_kbps=20000 not in 1000..10000")
                    && outside.stderr().contains("INVALID_VALUE"), outside.describe());
            System.out.print("approval outside the range on router b: " + outside.stderr());
            assertEquals(0, rpc(b, "agreements", null).size());
            assertEquals(0, rpc(a, "agreements", null).size());

            // the owner approves emergency only, at 5000 kbit/s
            Result approve = b.ctl(false, "approve", idA, APPROVED);
            assertEquals(0, approve.exitCode(), approve.describe());
            System.out.print("coopwan ctl approve on router b:\n" + approve.stdout());
            JsonNode onA = poll(a, "agreements", j -> j.size() == 1, 10).get(0);
            JsonNode onB = poll(b, "agreements", j -> j.size() == 1, 1).get(0);
            assertEquals("requester", onA.path("role").asText());
            assertEquals("helper", onB.path("role").asText());
            assertEquals(idB, onA.path("peerId").asText());
            assertEquals(idA, onB.path("peerId").asText());
            assertEquals(onB.path("enabled"), onA.path("enabled"), "the same enabled types and values on both");
            assertEquals(5000, onA.path("enabled").path("emergency").path("bandwidth_kbps").asLong());
            assertEquals(1, onA.path("enabled").size(), "only the approved subset: " + onA);
            assertEquals(0, rpc(b, "pending", null).size());
            System.out.print("coopwan ctl agreements on router a:\n" + a.ctl(false, "agreements").stdout());
            assertTrue(a.logText().contains("cooperation with " + idB + ": agreement as requester: " + APPROVED), a.logText());
            assertTrue(b.logText().contains("cooperation with " + idA + ": agreement as helper, approved by owner via cli"),
                    b.logText());

            // the protocol's own latency, by the two daemons' event times (one machine, one clock)
            System.out.printf("by the daemons' event times: offer sent on a -> pending on b %d ms; approved on b -> agreement"
                    + " on a %d ms%n", between(a, "offer sent", b, "offer pending"),
                    between(b, "agreement as helper", a, "agreement as requester"));

            // both routers restart: the agreements are read back from their stores
            a.stop();
            b.stop();
            a.start();
            b.start();
            awaitListening(a, b);
            JsonNode afterA = poll(a, "agreements", j -> j.size() == 1, 5).get(0);
            JsonNode afterB = poll(b, "agreements", j -> j.size() == 1, 5).get(0);
            assertEquals(onA, afterA);
            assertEquals(onB, afterB);
            System.out.print("after restarting both, coopwan ctl agreements on router b:\n" + b.ctl(false, "agreements").stdout());
            Result peers = a.ctl(false, "peers");
            assertTrue(peers.stdout().contains("agreements:\n") && peers.stdout().contains(APPROVED), peers.describe());
            System.out.print("after restarting both, coopwan ctl peers on router a:\n" + peers.stdout());

            // b's SNMP agent shows a in COOPWAN-MIB's peerTable: up(3), emergency(0) enabled
            awaitEstablished(a, b);
            String row = peerRow(b, idA);
            System.out.println("snmpwalk of peerTable on b, a's row: " + row);
            // ... and the approved values in agreementParamTable: a's peerIndex, helper(2), emergency(1).
            String peerIdOid = "." + net.coopwan.snmp.mib.CoopwanMib.PEER_ID.toDottedString() + ".";
            assertTrue(row.startsWith(peerIdOid), row); // the row's first varbind is its peerId
            String peerIndex = row.substring(peerIdOid.length(), row.indexOf(' '));
            String values = "." + net.coopwan.snmp.mib.CoopwanMib.AGREEMENT_PARAM_VALUE.toDottedString();
            Result params = snmpwalk(b, values);
            System.out.println("snmpwalk of agreementParamTable on b:\n" + params.stdout());
            for (String p : List.of("bandwidth_kbps = Counter64: 5000", "quota_bytes = Counter64: 50000000",
                    "window_ms = Counter64: 1000")) {
                String name = p.substring(0, p.indexOf(' '));
                String line = values + "." + peerIndex + ".2.1." + String.join(".",
                        name.chars().mapToObj(Integer::toString).toList()) + p.substring(name.length());
                assertTrue(params.stdout().contains(line + "\n"), "no '" + line + "' in " + params.describe());
            }
        } finally {
            a.stop();
            b.stop();
            ChannelLabIT.deleteNamespace(a.ns);
            ChannelLabIT.deleteNamespace(b.ns);
        }
    }
}
