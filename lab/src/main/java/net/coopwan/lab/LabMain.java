package net.coopwan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * Keeps a lab up for manual work and benchmarks: {@code up [--isps N] [--relays]}, {@code down},
 * {@code status}. The prefix of the lab that is up is kept in /run/coopwan-lab/current.
 */
public final class LabMain {
    private LabMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (LabException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("lab: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) {
        if (args.length == 0) {
            return usage();
        }
        switch (args[0]) {
            case "up":
                return up(args);
            case "down":
                return down();
            case "status":
                return status();
            default:
                return usage();
        }
    }

    private static int up(String[] args) {
        Lab.Builder b = Lab.builder().iperf3Server(Lab.findOnPath("iperf3").isPresent());
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--isps" -> b.isps(Integer.parseInt(args[++i]));
                case "--relays" -> b.relays(true);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Lab.removeLeftovers();
        String current = current();
        if (current != null && !namespaces(current).isEmpty()) {
            System.err.println("lab: " + current + " is already up; run 'lab.sh down' first");
            return 1;
        }
        b.logDir(Lab.RUN_DIR.resolve("logs"));
        Lab lab = b.build();
        try {
            lab.detach();
            Files.writeString(Lab.CURRENT_FILE, lab.prefix() + "\n");
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw new LabException("cannot keep the lab up: " + e.getMessage(), e);
        }
        System.out.print(lab.describe());
        System.out.println("run inside with: ip netns exec " + lab.ns(Lab.ROUTER) + " <command>");
        System.out.println("remove with: scripts/lab.sh down");
        return 0;
    }

    private static int down() {
        String current = current();
        if (current != null) {
            Lab.destroy(current);
            System.out.println("removed " + current);
        }
        try {
            Files.deleteIfExists(Lab.CURRENT_FILE);
        } catch (IOException e) {
            throw new LabException("cannot delete " + Lab.CURRENT_FILE + ": " + e.getMessage(), e);
        }
        for (String p : Lab.removeLeftovers()) {
            System.out.println("removed leftover " + p);
        }
        return 0;
    }

    private static int status() {
        String current = current();
        if (current == null) {
            System.out.println("no lab up");
        } else {
            System.out.println("lab " + current + " up:");
            for (String ns : namespaces(current)) {
                System.out.println("  " + ns);
                Result r = Commands.run(java.time.Duration.ofSeconds(5), List.of("ip", "-n", ns, "-br", "-4", "addr"));
                r.stdout().lines().filter(l -> !l.isBlank())
                        .forEach(l -> System.out.println("      " + l.strip().replaceAll("\\s+", " ")));
            }
        }
        List<String> others = Lab.labNamespaces().stream().filter(n -> current == null || !n.startsWith(current + "-"))
                .toList();
        if (!others.isEmpty()) {
            System.out.println("other lab namespaces (running tests or leftovers): " + others);
        }
        return 0;
    }

    /** The prefix's namespaces in topology order: lan, router, isp-1.., inet, server. */
    private static List<String> namespaces(String prefix) {
        List<String> order = List.of("lan", "router", "isp-", "inet", "server");
        return Lab.labNamespaces().stream().filter(n -> n.startsWith(prefix + "-"))
                .sorted(java.util.Comparator.<String>comparingInt(n -> {
                    String role = n.substring(prefix.length() + 1);
                    for (int i = 0; i < order.size(); i++) {
                        if (role.startsWith(order.get(i))) {
                            return i;
                        }
                    }
                    return order.size();
                }).thenComparing(n -> n)).toList();
    }

    private static String current() {
        try {
            String s = Files.readString(Lab.CURRENT_FILE).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    private static int usage() {
        System.err.println("usage: lab.sh up [--isps N] [--relays] | down | status");
        return 2;
    }
}
