package net.coopwan.config.uci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;

/**
 * Property tests with a fixed seed, so a failure reproduces: whatever bytes arrive, parsing and
 * loading end in a result or a {@link ConfigException}, never another exception; whatever parses
 * renders back to the same bytes; whatever value the writer accepts reads back unchanged.
 */
class UciFuzzTest {

    static final Path FILE = Path.of("/etc/config/coopwan");
    static final int CASES = 2000;

    /** Fragments that exercise the lexer and the validators more than random bytes do. */
    static final String[] FRAGMENTS = {
        "'", "\"", "\\", "#", ";", " ", "\t", "\n", "\r\n", "\\\n", "'\\''", "\0", "config", "option", "list",
        "package", "config uplink 'wan'", "config bond 'b0'", "config bond", "\tlist member 'wan'",
        "\tlist member 'nope'", "\toption port '99999'", "\toption enabled 'maybe'", "\toption device 'eth1'",
        "config web 'web'", "config offer", "\toption type 'suppression'", "\toption max_drop_percent_min '30'",
        "\toption listen '::1'", "\toption listen 'fe80::%'", "config global 'global'", "é", "\uFFFD", "漢",
    };

    @Test
    void mutatedDefaultFilesParseOrFailCleanly() {
        byte[] base = ConfigLoader.defaultDocument().toBytes();
        Random rnd = new Random(0xC00F_3A7L);
        int parsed = 0;
        int loaded = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(base, rnd);
            try {
                UciDocument d = UciDocument.parse(input, FILE);
                parsed++;
                assertArrayEquals(input, d.toBytes(), "case " + i + ": round trip");
                ConfigLoader.load(d);
                loaded++;
            } catch (ConfigException e) {
                assertTrue(e.getMessage().startsWith(FILE + ":") && e.getMessage().length() > FILE.toString().length() + 3,
                        "case " + i + ": message " + e.getMessage());
            } catch (Throwable t) {
                fail("case " + i + " threw " + t + " for input:\n" + new String(input, StandardCharsets.UTF_8), t);
            }
        }
        // The generator must hit both outcomes often, or the test proves little.
        assertTrue(parsed > CASES / 10 && parsed < CASES, "parsed " + parsed);
        assertTrue(loaded > CASES / 20 && loaded < parsed, "loaded " + loaded);
    }

    static byte[] mutate(byte[] base, Random rnd) {
        byte[] b = base;
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            b = switch (rnd.nextInt(8)) {
                case 0 -> flipByte(b, rnd);
                case 1 -> insert(b, rnd.nextInt(b.length + 1), new byte[] {(byte) rnd.nextInt(256)});
                case 2 -> deleteRange(b, rnd);
                case 3, 4 -> insert(b, rnd.nextInt(b.length + 1),
                        FRAGMENTS[rnd.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.UTF_8));
                default -> lineEdit(b, rnd);
            };
        }
        return b;
    }

    static byte[] flipByte(byte[] b, Random rnd) {
        if (b.length == 0) {
            return b;
        }
        byte[] c = b.clone();
        c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
        return c;
    }

    static byte[] insert(byte[] b, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.write(what, 0, what.length);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    static byte[] deleteRange(byte[] b, Random rnd) {
        if (b.length == 0) {
            return b;
        }
        int from = rnd.nextInt(b.length);
        int to = Math.min(b.length, from + 1 + rnd.nextInt(8));
        byte[] c = new byte[b.length - (to - from)];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(b, to, c, from, b.length - to);
        return c;
    }

    /** Whole-line edits on statement lines, where the validators live. */
    static byte[] lineEdit(byte[] b, Random rnd) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("\n", -1)));
        int i = rnd.nextInt(lines.size());
        int j = rnd.nextInt(lines.size());
        switch (rnd.nextInt(4)) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(j, lines.get(i));
            case 2 -> {
                String t = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, t);
            }
            default -> {
                // Replace the value of a statement with a random token.
                String l = lines.get(i);
                int q = l.indexOf('\'');
                if (q > 0) {
                    lines.set(i, l.substring(0, q) + "'" + randomValue(rnd).replace("'", "'\\''") + "'");
                }
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Strings the writer must be able to store: any character but NUL, CR and LF. */
    static String randomValue(Random rnd) {
        String alphabet = "aZ09 \t'\"\\#;$`!%&*()[]{}<>|~=:,.-_/@é漢\u00A0";
        int len = rnd.nextInt(24);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            if (rnd.nextInt(10) == 0) {
                sb.appendCodePoint(0x20 + rnd.nextInt(0x2FFF));
            } else {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
        }
        return sb.toString().replace("\0", "").replace("\n", "").replace("\r", "");
    }

    @Test
    void randomValuesRoundTripThroughTheWriter() throws ConfigException {
        UciDocument base = ConfigLoader.defaultDocument();
        Random rnd = new Random(42);
        for (int i = 0; i < CASES; i++) {
            String v = randomValue(rnd);
            String w = randomValue(rnd);
            UciDocument edited = base.withOption("web", "user", v)
                    .withOption("snmp", "sys_location", w)
                    .withList("wan", "note", List.of(v, w));
            UciDocument back = UciDocument.parse(edited.toBytes(), FILE);
            assertEquals(v, back.get("web", "user").orElseThrow(), "case " + i);
            assertEquals(w, back.get("snmp", "sys_location").orElseThrow(), "case " + i);
            assertEquals(List.of(v, w), back.getList("wan", "note"), "case " + i);
            // Only the edited lines differ: same number of sections, same everything else.
            assertEquals(base.sections().size(), back.sections().size());
            assertEquals(base.get("web", "password_hash"), back.get("web", "password_hash"));
        }
    }

    @Test
    void valuesWithLineBreaksOrNulAreRefused() {
        UciDocument base = ConfigLoader.defaultDocument();
        for (String bad : List.of("a\nb", "\r", "x\0", "\n")) {
            assertThrows(IllegalArgumentException.class, () -> base.withOption("web", "user", bad));
        }
    }
}
