package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs net-snmp's command-line tools against an agent on 127.0.0.1, isolated from the machine's
 * snmp.conf and MIB files (-m '' and an empty SNMPCONFPATH), with numeric OIDs (-On) and one short
 * try (-t 1 -r 0) so a missing answer costs one second.
 */
final class NetSnmp {

    /** One varbind as printed: its type ("STRING", "INTEGER", "Counter64", ...) and value text. */
    record Var(String type, String value) {
    }

    record Result(int exit, String out, String err, long millis) {
        String all() {
            return out + err;
        }

        /**
         * The printed varbinds by numeric OID, in output order. STRING values lose their quotes;
         * continuation lines (long Hex-STRINGs) are joined; "No Such Object" and the like are typed
         * "NONE".
         */
        Map<String, Var> vars() {
            Map<String, Var> vars = new LinkedHashMap<>();
            String lastOid = null;
            for (String line : out.split("\n")) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    lastOid = m.group(1);
                    String rhs = m.group(2);
                    Matcher t = TYPED.matcher(rhs);
                    Var v;
                    if (t.matches()) {
                        v = new Var(t.group(1), unquote(t.group(2).trim()));
                    } else if (rhs.startsWith("\"")) {
                        v = new Var("STRING", unquote(rhs.trim()));
                    } else {
                        v = new Var("NONE", rhs.trim());
                    }
                    vars.put(lastOid, v);
                } else if (lastOid != null && !line.isBlank()) {
                    Var prev = vars.get(lastOid);
                    vars.put(lastOid, new Var(prev.type(), (prev.value() + " " + line.trim()).trim()));
                }
            }
            return vars;
        }

        /** The value of one OID; fails the test when it was not printed. */
        Var var(String oid) {
            Var v = vars().get(oid.startsWith(".") ? oid : "." + oid);
            if (v == null) {
                fail("no " + oid + " in " + this);
            }
            return v;
        }

        /** Values of all OIDs under a column prefix, by the index after it. */
        Map<String, Var> column(String prefix) {
            String p = (prefix.startsWith(".") ? prefix : "." + prefix) + ".";
            Map<String, Var> col = new LinkedHashMap<>();
            vars().forEach((oid, v) -> {
                if (oid.startsWith(p)) {
                    col.put(oid.substring(p.length()), v);
                }
            });
            return col;
        }

        @Override
        public String toString() {
            return "exit " + exit + " after " + millis + " ms\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static final Pattern LINE = Pattern.compile("^(\\.[0-9.]+) = (.*)$");
    private static final Pattern TYPED = Pattern.compile("^([A-Za-z][A-Za-z0-9-]*): ?(.*)$");

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private final Path home;
    private final int port;

    NetSnmp(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    static void requireInstalled() {
        for (String tool : List.of("snmpget", "snmpwalk", "snmpgetnext", "snmpset")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
                fail("/usr/bin/" + tool + " is missing: run scripts/setup.sh (Debian package 'snmp')");
            }
        }
    }

    /** authPriv as the configured user with the configured passphrases. */
    Result v3(String tool, String... args) {
        return v3With(tool, TestConfigs.USER, "SHA-256", TestConfigs.AUTH_PASS, "AES", TestConfigs.PRIV_PASS, args);
    }

    Result v3With(String tool, String user, String auth, String authPass, String priv, String privPass,
                  String... args) {
        List<String> cmd = new ArrayList<>(List.of("-v3", "-l", "authPriv", "-u", user, "-a", auth, "-A", authPass,
                "-x", priv, "-X", privPass));
        return run(tool, cmd, args);
    }

    Result v3Level(String tool, String level, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-v3", "-l", level, "-u", TestConfigs.USER));
        if (!level.equals("noAuthNoPriv")) {
            cmd.addAll(List.of("-a", "SHA-256", "-A", TestConfigs.AUTH_PASS));
        }
        return run(tool, cmd, args);
    }

    Result v2c(String tool, String community, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-v2c", "-c", community));
        return run(tool, cmd, args);
    }

    Result v1(String tool, String community, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-v1", "-c", community));
        return run(tool, cmd, args);
    }

    /** tool OPTIONS AGENT ARGS, ARGS being OIDs (and for snmpset: OID TYPE VALUE). */
    private Result run(String tool, List<String> options, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/" + tool);
        cmd.addAll(List.of("-On", "-m", "", "-t", "1", "-r", "0"));
        cmd.addAll(options);
        cmd.add("udp:127.0.0.1:" + port);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.put("SNMPCONFPATH", home.toString());
        env.put("SNMP_PERSISTENT_DIR", home.toString());
        env.put("MIBS", "");
        env.remove("MIBDIRS");
        long t0 = System.nanoTime();
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(tool + " did not finish in 20 s: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
