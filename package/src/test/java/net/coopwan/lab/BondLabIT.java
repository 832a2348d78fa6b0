package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bonding data plane end to end with the packaged daemon: a router in namespaces with two
 * ISPs bonds them into bond0 towards a concentrator; a TCP transfer from the lan host to the
 * server crosses the bond, uses both ISPs, and survives an outage of one ISP.
 */
class BondLabIT {
    static final String DATAPLANE = "config dataplane 'dataplane'\n\toption slops_period_s '0'";

    @TempDir
    Path dir;

    @BeforeAll
    static void clean() {
        Lab.removeLeftovers();
    }

    static long counter(Lab lab, String isp, String dev, String field) {
        Result r = lab.exec(isp, Duration.ofSeconds(5), "cat", "/sys/class/net/" + dev + "/statistics/" + field);
        return Long.parseLong(r.orThrow().stdout().trim());
    }

    static double iperfMbits(String json) {
        Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)").matcher(json);
        assertTrue(m.find(), "iperf3 JSON has sum_received: " + json.substring(0, Math.min(400, json.length())));
        return Double.parseDouble(m.group(1)) / 1e6;
    }

    @Test
    void tcpOverTheBondUsesBothIspsAndSurvivesAnOutageOfOne() throws Exception {
        try (Lab lab = Lab.builder().isps(2).relays(true).iperf3Server(true).logDir(dir).build();
                BondLab bond = new BondLab(lab, dir)) {
            long t0 = System.nanoTime();
            bond.startConcentrator(DATAPLANE);
            bond.startRouter("wrr", new long[] {0, 0}, DATAPLANE);
            assertTrue(bond.awaitMembersUp(2, Duration.ofSeconds(20)), "both members up; router log:\n"
                    + Files.readString(bond.routerLog()) + "\nconcentrator log:\n" + Files.readString(bond.concentratorLog()));
            long upMs = (System.nanoTime() - t0) / 1_000_000;
            bond.routeLanIntoBond();
            lab.ping(Lab.LAN, Lab.SERVER_ADDRESS).orThrow();

            long up1 = counter(lab, Lab.isp(1), Lab.ISP_UP_IF, "tx_bytes");
            long up2 = counter(lab, Lab.isp(2), Lab.ISP_UP_IF, "tx_bytes");
            Result r = lab.exec(Lab.LAN, Duration.ofSeconds(30), "iperf3", "-c", Lab.SERVER_ADDRESS, "-t", "3", "-J");
            assertEquals(0, r.exitCode(), r.describe());
            double mbits = iperfMbits(r.stdout());
            long d1 = counter(lab, Lab.isp(1), Lab.ISP_UP_IF, "tx_bytes") - up1;
            long d2 = counter(lab, Lab.isp(2), Lab.ISP_UP_IF, "tx_bytes") - up2;
            System.out.printf("bond up %d ms after start; iperf3 %.1f Mbit/s; isp-1 carried %d B, isp-2 %d B%n",
                    upMs, mbits, d1, d2);
            assertTrue(mbits > 1, "throughput " + mbits);
            assertTrue(d1 > 1_000_000 && d2 > 1_000_000, "both ISPs carried the transfer: " + d1 + " / " + d2);
            double share = (double) d1 / (d1 + d2);
            assertTrue(share > 0.35 && share < 0.65, "wrr splits about evenly: " + share);

            // isp-2 goes dark for 2 s in the middle of a 6 s transfer: the connection survives
            Process iperf = lab.spawn(Lab.LAN, dir.resolve("iperf-outage.json"),
                    "iperf3", "-c", Lab.SERVER_ADDRESS, "-t", "6", "-J");
            Thread.sleep(2000);
            lab.relay(2).set("outage 2000 both");
            assertTrue(iperf.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "iperf3 finished");
            String json = Files.readString(dir.resolve("iperf-outage.json"));
            assertEquals(0, iperf.exitValue(), json);
            double during = iperfMbits(json);
            System.out.printf("with a 2 s outage of isp-2: %.1f Mbit/s%n", during);
            assertTrue(during > 0.5, "the TCP connection carried on: " + during);
            String log = Files.readString(bond.routerLog());
            assertTrue(log.contains("member wan2 (wan2) down"), "the outage took wan2 out:\n" + log);
        }
    }
}
