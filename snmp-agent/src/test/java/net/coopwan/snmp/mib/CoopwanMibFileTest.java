package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.smi.OID;

/**
 * docs/COOPWAN-MIB.txt passes libsmi's {@code smilint -l 3} without a single message, net-snmp's
 * snmptranslate loads it, and its OIDs are exactly those of {@link CoopwanMib}.
 *
 * <p>Both tools need SNMPv2-SMI, SNMPv2-TC and SNMPv2-CONF. Debian main ships them in no SNMP
 * package (smitools and libsnmp-base are stripped of the IETF modules, snmp-mibs-downloader is
 * non-free), but erlang-snmp has them; scripts/setup.sh installs it. NET-SNMP-MIB (netSnmpPlaypen)
 * comes with net-snmp's libsnmp-base. Both tools run isolated from the user's and the machine's
 * configuration of MIB paths and modules.
 */
class CoopwanMibFileTest {

    private static final Path SMILINT = Path.of("/usr/bin/smilint");
    private static final Path SNMPTRANSLATE = Path.of("/usr/bin/snmptranslate");
    private static final Path NET_SNMP_MIBS = Path.of("/usr/share/snmp/mibs");
    private static final String SETUP = "run scripts/setup.sh";

    /** Where the SMIv2 base modules may be: erlang-snmp, or the IETF dirs of snmp-mibs-downloader. */
    private static final List<String> BASE_MODULE_DIRS = List.of("/usr/lib/erlang/lib/snmp-*/mibs",
            "/usr/share/snmp/mibs/ietf", "/var/lib/snmp/mibs/ietf", "/var/lib/mibs/ietf", "/usr/share/mibs/ietf");

    private static Path mib;
    private static List<Path> mibPath;

    @TempDir
    static Path home;

    @BeforeAll
    static void locate() throws IOException {
        for (Path tool : List.of(SMILINT, SNMPTRANSLATE)) {
            if (!Files.isExecutable(tool)) {
                fail(tool + " is missing: " + SETUP + " (Debian packages smitools and snmp)");
            }
        }
        mib = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("../docs/COOPWAN-MIB.txt")
                .normalize();
        assertTrue(Files.isRegularFile(mib), "no " + mib);
        Path base = baseModuleDir();
        if (base == null) {
            fail("no SNMPv2-SMI, SNMPv2-TC and SNMPv2-CONF module files in any of " + BASE_MODULE_DIRS + ": "
                    + SETUP + " (Debian package erlang-snmp ships them)");
        }
        if (!Files.isRegularFile(NET_SNMP_MIBS.resolve("NET-SNMP-MIB.txt"))) {
            fail(NET_SNMP_MIBS.resolve("NET-SNMP-MIB.txt") + " is missing: " + SETUP
                    + " (Debian package libsnmp-base, which snmp depends on)");
        }
        mibPath = List.of(base, NET_SNMP_MIBS, mib.getParent());
        // net-snmp makes this under SNMP_PERSISTENT_DIR on first use and says so on stderr
        Files.createDirectories(home.resolve("cert_indexes"));
    }

    private static Path baseModuleDir() throws IOException {
        for (String pattern : BASE_MODULE_DIRS) {
            int star = pattern.indexOf('*');
            List<Path> dirs = new ArrayList<>();
            if (star < 0) {
                dirs.add(Path.of(pattern));
            } else {
                Path parent = Path.of(pattern.substring(0, pattern.lastIndexOf('/', star)));
                String glob = pattern.substring(parent.toString().length() + 1, pattern.indexOf('/', star));
                if (Files.isDirectory(parent)) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, glob)) {
                        ds.forEach(d -> dirs.add(d.resolve(pattern.substring(pattern.indexOf('/', star) + 1))));
                    }
                }
            }
            for (Path dir : dirs) {
                if (hasModule(dir, "SNMPv2-SMI") && hasModule(dir, "SNMPv2-TC") && hasModule(dir, "SNMPv2-CONF")) {
                    return dir;
                }
            }
        }
        return null;
    }

    private static boolean hasModule(Path dir, String module) {
        for (String ext : List.of("", ".txt", ".mib", ".my")) {
            if (Files.isRegularFile(dir.resolve(module + ext))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void smilintAtLevel3SaysNothing() {
        Result r = smilint(mib);
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.all().trim(), "smilint -l 3 must be silent on " + mib + ": " + r);
    }

    /** smilint exits 0 even on errors, and says nothing when it is not checking: make sure it checks. */
    @Test
    void smilintReportsAnErrorInABrokenCopy() throws IOException {
        String text = Files.readString(mib, StandardCharsets.US_ASCII);
        String broken = text.replace("DEFVAL      { 1400 }", "DEFVAL      { 100 }");
        assertTrue(!broken.equals(text), "bondMtu's DEFVAL { 1400 } is gone from the MIB; adjust this test");
        Path dir = Files.createDirectories(home.resolve("broken"));
        Path copy = Files.writeString(dir.resolve("COOPWAN-MIB.txt"), broken, StandardCharsets.US_ASCII);
        Result r = smilint(copy);
        assertTrue(r.all().contains("{defval-range}"), "smilint did not flag an MTU default of 100: " + r);
    }

    @Test
    void netSnmpLoadsTheModuleAndPrintsTheTree() {
        Result r = snmptranslate("-Tp", "-IR", "coopwanMIB");
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.err.trim(), "snmptranslate printed warnings or errors: " + r);
        for (String node : List.of("+--coopwanMIB(2)", "uplinkTable(1)", "peerCoopTypes(5)", "bondRowStatus(6)",
                "bondMemberRowStatus(3)", "coopwanNotificationGroup(5)")) {
            assertTrue(r.out.contains(node), node + " not in the tree: " + r);
        }
    }

    @Test
    void namedObjectsTranslateToTheConstants() {
        Map<String, OID> named = Map.of("bondRowStatus", CoopwanMib.BOND_ROW_STATUS,
                "bondMemberRowStatus", CoopwanMib.BOND_MEMBER_ROW_STATUS,
                "uplinkDown", CoopwanMib.UPLINK_DOWN,
                "coopwanAgent", CoopwanMib.COOPWAN_AGENT);
        List<String> names = new ArrayList<>(named.keySet());
        List<String> args = new ArrayList<>(List.of("-On"));
        names.forEach(n -> args.add("COOPWAN-MIB::" + n));
        Result r = snmptranslate(args.toArray(String[]::new));
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.err.trim(), r.toString());
        List<String> lines = r.out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        assertEquals(names.size(), lines.size(), r.toString());
        for (int i = 0; i < names.size(); i++) {
            assertEquals("." + named.get(names.get(i)), lines.get(i), names.get(i));
        }
        assertEquals(SystemGroup.SYS_OBJECT_ID, CoopwanMib.COOPWAN_AGENT, "sysObjectID is coopwanAgent");
    }

    /**
     * The agent's instance OIDs of the agreement tables read back, by net-snmp with the MIB, as the
     * indexes they were made from: peerIndex, role and type by name, IMPLIED agreementParamName as
     * a string (no length octet).
     */
    @Test
    void agreementInstancesDecodeToTheirIndexes() {
        OID param = new OID(CoopwanMib.AGREEMENT_PARAM_VALUE).append(new OID(new int[] {7, 2, 1}))
                .append(new org.snmp4j.smi.OctetString("quota_bytes").toSubIndex(true));
        OID at = new OID(CoopwanMib.AGREEMENT_APPROVED_AT).append(new OID(new int[] {7, 1, 4}));
        Result r = snmptranslate("." + param, "." + at);
        assertEquals(0, r.exit, r.toString());
        assertEquals(List.of("COOPWAN-MIB::agreementParamValue.7.helper.emergency.'quota_bytes'",
                        "COOPWAN-MIB::agreementApprovedAt.7.requester.suppression"),
                r.out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList(), r.toString());
    }

    /**
     * Every node snmptranslate knows under the playpen is a constant of CoopwanMib with the same OID,
     * and every constant is such a node: descriptor and constant name match ignoring case and '_'.
     */
    @Test
    void everyNodeOfTheModuleIsAConstantWithTheSameOid() throws IllegalAccessException {
        Result r = snmptranslate("-Tz");
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.err.trim(), r.toString());
        String playpen = CoopwanMib.NET_SNMP_PLAYPEN.toDottedString();
        SortedMap<String, String> fromMib = new TreeMap<>();
        Matcher m = TZ_LINE.matcher(r.out);
        while (m.find()) {
            String oid = m.group(2);
            if (oid.equals(playpen) || oid.startsWith(playpen + ".")) {
                fromMib.put(m.group(1).toUpperCase(Locale.ROOT), oid);
            }
        }
        SortedMap<String, String> fromJava = new TreeMap<>();
        for (Field f : CoopwanMib.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (f.getType() == OID.class && Modifier.isPublic(mod) && Modifier.isStatic(mod)
                    && Modifier.isFinal(mod)) {
                fromJava.put(f.getName().replace("_", ""), ((OID) f.get(null)).toDottedString());
            }
        }
        assertTrue(fromMib.size() > 50, "too few nodes found, -Tz output changed? " + fromMib);
        List<String> diffs = new ArrayList<>();
        fromMib.forEach((name, oid) -> {
            String java = fromJava.get(name);
            if (!oid.equals(java)) {
                diffs.add(name + ": MIB " + oid + ", CoopwanMib " + (java == null ? "no constant" : java));
            }
        });
        fromJava.forEach((name, oid) -> {
            if (!fromMib.containsKey(name)) {
                diffs.add(name + ": MIB has no such node, CoopwanMib " + oid);
            }
        });
        assertEquals(List.of(), diffs, "COOPWAN-MIB and CoopwanMib differ (names without '_', ignoring case)");
    }

    private static final Pattern TZ_LINE = Pattern.compile("^\"([^\"]+)\"\\s+\"([0-9.]+)\"$", Pattern.MULTILINE);

    // ---- running the tools ----

    private record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static String path(List<Path> dirs) {
        return String.join(":", dirs.stream().map(Path::toString).toList());
    }

    /**
     * smilint at level 3 with error names and severities. SMIPATH puts the base modules first; HOME
     * keeps ~/.smirc out. /etc/smi.conf is still read (libsmi always reads it): Debian's only adds
     * search paths and hides namelength-32, which -I un-hides.
     */
    private static Result smilint(Path file) {
        return run(List.of(SMILINT.toString(), "-l", "3", "-s", "-m", "-I", "namelength-32", file.toString()),
                Map.of("SMIPATH", path(mibPath.subList(0, 2))));
    }

    /** snmptranslate loading only COOPWAN-MIB (and its imports) from only our MIB path. */
    private static Result snmptranslate(String... args) {
        List<String> cmd = new ArrayList<>(List.of(SNMPTRANSLATE.toString(), "-M", path(mibPath), "-m",
                "COOPWAN-MIB"));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of("SNMPCONFPATH", home.toString(), "SNMP_PERSISTENT_DIR", home.toString()));
    }

    private static Result run(List<String> cmd, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove("MIBS");
        env.remove("MIBDIRS");
        env.remove("SMIPATH");
        env.put("HOME", home.toString());
        env.putAll(extraEnv);
        try {
            Path out = Files.createTempFile(home, "out", ".txt");
            Path err = Files.createTempFile(home, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(cmd + " did not finish in 20 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
