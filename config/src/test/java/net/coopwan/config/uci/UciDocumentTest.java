package net.coopwan.config.uci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;

class UciDocumentTest {

    static final Path FILE = Path.of("/etc/config/coopwan");

    /** Hand-written: comments everywhere, odd quoting, an unknown section and option. */
    static final String HAND = """
            # coopwan, edited by hand

            config global 'global'
            \toption role "router"   # the usual
            \toption log_level info
            \toption vendor_extra 'keep me'

            # my uplinks
            config uplink 'wan'
            \toption device 'eth1'
            \t# an indented note
            \toption down_kbps '50000'

            config thirdparty 'x'
            \toption whatever 'value'

            # web section doc
            config web 'web'
            \toption port '8080' # http
            \tlist allow 'a'
            \tlist allow 'b'
            \t# trailing note of web

            # example, commented out:
            #config bond 'b'
            """;

    static UciDocument hand() throws ConfigException {
        return UciDocument.parse(HAND, FILE);
    }

    @Test
    void unmodifiedDocumentsRoundTripByteForByte() throws ConfigException {
        assertEquals(HAND, hand().text());
        byte[] shipped = ConfigLoader.defaultDocument().toBytes();
        assertArrayEquals(shipped, UciDocument.parse(shipped, FILE).toBytes());
    }

    @Test
    void changingOneOptionChangesOnlyItsLine() throws ConfigException {
        UciDocument d = hand().withOption("web", "port", "8081");
        assertEquals(HAND.replace("\toption port '8080' # http", "\toption port '8081' # http"), d.text());
        assertEquals("8081", d.get("web", "port").orElseThrow());
        // The changed statement has no source line any more.
        assertEquals(0, d.section("web").orElseThrow().option("port").orElseThrow().line());
        // Rewritten in canonical quoting, comment kept.
        d = hand().withOption("global", "role", "concentrator");
        assertEquals(HAND.replace("\toption role \"router\"   # the usual", "\toption role 'concentrator'   # the usual"),
                d.text());
    }

    @Test
    void settingTheSameValueKeepsTheOriginalSpelling() throws ConfigException {
        UciDocument d = hand();
        assertSame(d, d.withOption("global", "role", "router"));
        assertSame(d, d.withOption("global", "log_level", "info"));
        assertSame(d, d.withList("web", "allow", List.of("a", "b")));
    }

    @Test
    void newOptionGoesAfterTheLastStatementOfItsSection() throws ConfigException {
        UciDocument d = hand().withOption("wan", "up_kbps", "10000");
        assertEquals(HAND.replace("\toption down_kbps '50000'\n", "\toption down_kbps '50000'\n\toption up_kbps '10000'\n"),
                d.text());
        d = hand().withOption("web", "user", "it's me");
        assertEquals(HAND.replace("\tlist allow 'b'\n", "\tlist allow 'b'\n\toption user 'it'\\''s me'\n"), d.text());
        assertEquals("it's me", UciDocument.parse(d.text(), FILE).get("web", "user").orElseThrow());
    }

    @Test
    void repeatedOptionsCollapseIntoTheFirst() throws ConfigException {
        UciDocument d = UciDocument.parse("config s 'x'\n\toption a '1'\n\toption b 'k'\n\toption a '2'\n", FILE)
                .withOption("x", "a", "3");
        assertEquals("config s 'x'\n\toption a '3'\n\toption b 'k'\n", d.text());
    }

    @Test
    void removingOptions() throws ConfigException {
        UciDocument d = hand().withoutOption("wan", "down_kbps");
        assertEquals(HAND.replace("\toption down_kbps '50000'\n", ""), d.text());
        d = hand().withoutOption("web", "allow");
        assertEquals(HAND.replace("\tlist allow 'a'\n\tlist allow 'b'\n", ""), d.text());
        assertSame(d, d.withoutOption("web", "allow"));
    }

    @Test
    void settingLists() throws ConfigException {
        UciDocument d = hand().withList("web", "allow", List.of("c", "d", "e"));
        assertEquals(HAND.replace("\tlist allow 'a'\n\tlist allow 'b'\n", "\tlist allow 'c'\n\tlist allow 'd'\n\tlist allow 'e'\n"),
                d.text());
        d = hand().withList("wan", "tags", List.of("x y", "z"));
        assertEquals(List.of("x y", "z"), UciDocument.parse(d.text(), FILE).getList("wan", "tags"));
        assertEquals(HAND.replace("\toption down_kbps '50000'\n", "\toption down_kbps '50000'\n\tlist tags 'x y'\n\tlist tags 'z'\n"),
                d.text());
        assertEquals(HAND.replace("\tlist allow 'a'\n\tlist allow 'b'\n", ""),
                hand().withList("web", "allow", List.of()).text());
        // An option turned into a list keeps its place and end-of-line comment.
        d = hand().withList("web", "port", List.of("1", "2"));
        assertTrue(d.text().contains("\tlist port '1' # http\n\tlist port '2'\n\tlist allow 'a'\n"));
    }

    @Test
    void addingSections() throws ConfigException {
        UciDocument d = hand().withSection("bond", "bond0").withOption("bond0", "mode", "wrr")
                .withList("bond0", "member", List.of("wan"));
        assertEquals(HAND + "\nconfig bond 'bond0'\n\toption mode 'wrr'\n\tlist member 'wan'\n", d.text());
        UciDocument anon = d.withSection("offer", null).withOption("@offer[0]", "type", "emergency");
        assertTrue(anon.text().endsWith("\nconfig offer\n\toption type 'emergency'\n"));
        assertEquals("@offer[0]", anon.sections("offer").get(0).ref());
        assertThrows(IllegalArgumentException.class, () -> hand().withSection("web", "web"));
        assertThrows(IllegalArgumentException.class, () -> hand().withSection("bad-type", "x"));
        assertThrows(IllegalArgumentException.class, () -> hand().withSection("bond", "bad.name"));
    }

    @Test
    void addingASectionToACanonicalFileKeepsUciLayout() throws ConfigException {
        // uci export writes a blank line before each section and one at the end.
        String canonical = "\nconfig uplink 'wan'\n\toption device 'eth1'\n\n";
        UciDocument d = UciDocument.parse(canonical, FILE).withSection("uplink", "lte").withOption("lte", "device", "wwan0");
        assertEquals("\nconfig uplink 'wan'\n\toption device 'eth1'\n\nconfig uplink 'lte'\n\toption device 'wwan0'\n\n", d.text());
        UciDocument fromScratch = UciDocument.empty(FILE).withSection("global", "global").withOption("global", "role", "router");
        assertEquals("\nconfig global 'global'\n\toption role 'router'\n", fromScratch.text());
    }

    @Test
    void removingSectionsTakesTheirCommentsAlong() throws ConfigException {
        UciDocument d = hand().withoutSection("wan");
        assertEquals(HAND.replace("""

                # my uplinks
                config uplink 'wan'
                \toption device 'eth1'
                \t# an indented note
                \toption down_kbps '50000'
                """, ""), d.text());
        // The last section keeps the trailing commented example in the file.
        d = hand().withoutSection("web");
        assertEquals(HAND.replace("""

                # web section doc
                config web 'web'
                \toption port '8080' # http
                \tlist allow 'a'
                \tlist allow 'b'
                \t# trailing note of web
                """, ""), d.text());
        assertTrue(d.text().endsWith("# example, commented out:\n#config bond 'b'\n"));
        assertThrows(IllegalArgumentException.class, () -> hand().withoutSection("nope"));
    }

    @Test
    void editingAFileWithoutFinalNewline() throws ConfigException {
        UciDocument d = UciDocument.parse("config s 'x'\n\toption a '1'", FILE).withOption("x", "b", "2");
        assertEquals("config s 'x'\n\toption a '1'\n\toption b '2'\n", d.text());
    }

    @Test
    void editsRejectWhatCannotBeWritten() throws ConfigException {
        UciDocument d = hand();
        assertThrows(IllegalArgumentException.class, () -> d.withOption("web", "port", "80\n80"));
        assertThrows(IllegalArgumentException.class, () -> d.withOption("web", "port", "80\r"));
        assertThrows(IllegalArgumentException.class, () -> d.withOption("web", "port", "\0"));
        assertThrows(IllegalArgumentException.class, () -> d.withOption("web", "bad-name", "1"));
        assertThrows(IllegalArgumentException.class, () -> d.withOption("nope", "port", "1"));
        assertThrows(IllegalArgumentException.class, () -> d.withList("web", "allow", List.of("ok", "not\nok")));
    }

    @Test
    void documentsAreImmutable() throws ConfigException {
        UciDocument d = hand();
        d.withOption("web", "port", "1").withoutSection("wan");
        assertEquals(HAND, d.text());
        assertThrows(UnsupportedOperationException.class, () -> d.sections().clear());
    }

    @Test
    void editedDocumentStillLoads() throws ConfigException {
        UciDocument d = ConfigLoader.defaultDocument().withOption("web", "port", "8443");
        assertEquals(8443, ConfigLoader.load(d).web().port());
        UciDocument bad = ConfigLoader.defaultDocument().withOption("web", "port", "99999");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(bad));
        // The edited line has no number: the message points at the section header.
        int header = bad.section("web").orElseThrow().line();
        assertEquals("classpath:/net/coopwan/config/coopwan.default:" + header
                + ": option 'port' in section 'web': must be 1-65535, got '99999'", e.getMessage());
    }

    @Test
    void editAndWriteBackPreservesTheRestAndLeavesNoTempFile(@TempDir Path dir) throws IOException, ConfigException {
        Path f = dir.resolve("coopwan");
        Files.writeString(f, HAND);
        UciDocument.read(f).withOption("web", "port", "9090").write(f);
        assertEquals(HAND.replace("'8080' # http", "'9090' # http"), Files.readString(f));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }
}
