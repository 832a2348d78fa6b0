package net.coopwan.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live demo of {@code ./coopwan demo}: the lab with two ISPs of 8 and 2 Mbit/s, the packaged
 * daemon as concentrator (inet) and as router (router) bonding both ISPs adaptively, the lan
 * host's traffic routed into the bond, one iperf3 transfer through it, and the uplinks as
 * {@code coopwan ctl uplinks} shows them. Then it stays up until stopped (SIGINT/SIGTERM) or for
 * {@code --seconds N}, and always removes its namespaces.
 *
 * <pre>java -cp lab/target/classes -Dcoopwan.jar=... -Dcoopwan.launcher=... net.coopwan.lab.LabDemo [--seconds N] [--dir D]</pre>
 */
public final class LabDemo {
    private LabDemo() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = 0;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: LabDemo [--seconds N] [--dir DIR]");
                    System.exit(2);
                }
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("coopwan-lab-demo");
        }
        Files.createDirectories(dir);
        Lab.removeLeftovers();
        CountDownLatch stop = new CountDownLatch(1);
        try (Lab lab = Lab.builder().isps(2).relays(true).iperf3Server(true).logDir(dir).build();
                BondLab bond = new BondLab(lab, dir)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                bond.close();
                lab.close();
            }));
            for (int isp = 1; isp <= 2; isp++) {
                long kbps = isp == 1 ? 8000 : 2000;
                lab.relay(isp).set("set both rate " + kbps);
            }
            String dataplane = "config dataplane 'dataplane'\n\toption slops_period_s '60'";
            bond.startConcentrator(dataplane);
            bond.startRouter("adaptive", new long[] {10000, 10000}, dataplane);
            if (!bond.awaitMembersUp(2, Duration.ofSeconds(30))) {
                System.out.println("lab demo: the bond did not come up; router log:\n" + Files.readString(bond.routerLog()));
                System.exit(1);
            }
            bond.routeLanIntoBond();
            System.out.println("lab demo: namespaces " + lab.prefix() + "-{lan,router,isp-1,isp-2,inet,server}; "
                    + "isp-1 8 Mbit/s, isp-2 2 Mbit/s (impairment relays); logs in " + dir);
            awaitWeights(bond, Duration.ofSeconds(40));
            Result r = lab.exec(Lab.LAN, Duration.ofSeconds(30), "iperf3", "-c", Lab.SERVER_ADDRESS, "-t", "5", "-J");
            Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)").matcher(r.stdout());
            System.out.printf("lab demo: iperf3 lan -> server over bond0: %s%n",
                    m.find() ? String.format("%.2f Mbit/s (one TCP flow; the ISPs give 8 + 2)", Double.parseDouble(m.group(1)) / 1e6)
                            : "failed: " + r.describe());
            Result ctl = lab.exec(Lab.ROUTER, Duration.ofSeconds(20), BondLab.ctl(dir.resolve("router.sock"), "uplinks"));
            System.out.println("lab demo: coopwan ctl uplinks (router):\n" + ctl.stdout().stripTrailing());
            System.out.println("lab demo: ready; try  ip netns exec " + lab.ns(Lab.LAN) + " iperf3 -c " + Lab.SERVER_ADDRESS);
            if (seconds > 0) {
                stop.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
            } else {
                stop.await();
            }
        }
    }

    private static void awaitWeights(BondLab bond, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (String line : Files.readAllLines(bond.routerLog())) {
                if (line.contains("weights") && line.contains("SLoPS")) {
                    System.out.println("lab demo: " + line.substring(line.indexOf("bond bond0")));
                    return;
                }
            }
            Thread.sleep(200);
        }
        System.out.println("lab demo: no SLoPS weights yet (nominal weights in use)");
    }
}
