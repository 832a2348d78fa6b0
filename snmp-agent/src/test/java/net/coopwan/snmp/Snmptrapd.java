package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's snmptrapd as a child process on 127.0.0.1:PORT, isolated from the machine's files: only
 * its own config file (-C -c FILE), no MIBs (-m '' -M /nonexistent), numeric OIDs (-On), no DNS
 * (-n), its persistent state in the test's directory. Each received notification is one line
 * {@code NOTIFY <security>|<varbinds separated by tabs>}, e.g.
 * {@code NOTIFY TRAP2, SNMP v3, user coopwan, context |.1.3.6.1.2.1.1.3.0 = Timeticks: ...}.
 *
 * <p>It authorizes with {@code authCommunity log COMMUNITY} and {@code authUser log USER}: a
 * notification it cannot authenticate is not printed, so a printed line proves the credentials.
 */
final class Snmptrapd implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/snmptrapd");

    private final Process process;
    private final Path output;

    private Snmptrapd(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " is missing: run scripts/setup.sh (Debian package 'snmptrapd')");
        }
    }

    /**
     * @param agentEngineIdHex the agent's engine ID, under which v3 traps are authenticated
     *                         (informs use snmptrapd's own engine ID)
     */
    static Snmptrapd start(Path dir, int port, String community, String agentEngineIdHex) throws Exception {
        requireInstalled();
        Files.createDirectories(dir);
        Path conf = dir.resolve("snmptrapd.conf");
        String user = TestConfigs.USER + " SHA-256 " + TestConfigs.AUTH_PASS + " AES " + TestConfigs.PRIV_PASS;
        Files.writeString(conf, String.join("\n",
                "authCommunity log " + community,
                "createUser -e 0x" + agentEngineIdHex + " " + user,
                "createUser " + user,
                "authUser log " + TestConfigs.USER,
                ""));
        Path out = dir.resolve("snmptrapd.out");
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "-C", "-c", conf.toString(), "-f", "-Lo", "-n",
                "-On", "-m", "", "-M", "/nonexistent", "-F", "NOTIFY %P|%v\\n", "udp:127.0.0.1:" + port);
        pb.environment().put("SNMP_PERSISTENT_DIR", dir.toString());
        pb.environment().put("SNMPCONFPATH", dir.toString());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("MIBS", "");
        pb.environment().remove("MIBDIRS");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Snmptrapd d = new Snmptrapd(pb.start(), out);
        try {
            // It prints its version once the socket is open.
            d.await(l -> l.startsWith("NET-SNMP version"), 10_000);
        } catch (AssertionError | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    List<String> lines() {
        try {
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line matching, waiting up to timeoutMillis; fails with the whole output otherwise. */
    String await(Predicate<String> match, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            for (String l : lines()) {
                if (match.test(l)) {
                    return l;
                }
            }
            if (System.nanoTime() > end) {
                fail("snmptrapd printed no matching line within " + timeoutMillis + " ms; output:\n"
                        + String.join("\n", lines()));
            }
            if (!process.isAlive()) {
                fail("snmptrapd exited with " + process.exitValue() + "; output:\n" + String.join("\n", lines()));
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
