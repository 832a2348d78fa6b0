package net.coopwan.config.uci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.coopwan.config.ConfigException;

class UciParserTest {

    static final Path FILE = Path.of("/etc/config/coopwan");

    static UciDocument parse(String text) throws ConfigException {
        return UciDocument.parse(text, FILE);
    }

    /** The value of {@code option a} after one line in a section. */
    static String valueOf(String statement) throws ConfigException {
        return parse("config s 'x'\n" + statement + "\n").get("x", "a").orElseThrow();
    }

    static String errorOf(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "option a 'x y'                    | x y",
            "option a \"x y\"                  | x y",
            "option a plain                    | plain",
            "\toption a 'tabbed'               | tabbed",
            "option a 'a'\\''b'                | a'b",
            "option a \"a\\\"b\"               | a\"b",
            "option a \"a\\\\b\"               | a\\b",
            "option a \"\\n\"                  | n",
            "option a a\\ b                    | a b",
            "option a 'it''s'                  | its",
            "option a 'one'\"two\"three        | onetwothree",
            "option a 'x\\'                    | x\\",
            "option a '\"'                     | \"",
            "option a \"'\"                    | '",
            "option a 'x'# comment             | x",
            "option a x#y                      | x",
            "option a 'x'   # spaced comment   | x",
            "option a '#not a comment'         | #not a comment",
            "option a \"semi;colon\"           | semi;colon",
            "option a '$dollar {brace} (paren)' | $dollar {brace} (paren)",
            "option a 'Zürich 漢字'            | Zürich 漢字",
            "o a 'abbreviated'                 | abbreviated",
    })
    void quotingAndEscaping(String statement, String expected) throws ConfigException {
        assertEquals(expected, valueOf(statement.strip().replace("\\t", "\t")));
    }

    @Test
    void emptyAndMissingValuesAreEmptyStrings() throws ConfigException {
        assertEquals("", valueOf("option a ''"));
        assertEquals("", valueOf("option a \"\""));
        assertEquals("", valueOf("option a"));
    }

    @Test
    void backslashAtEndOfLineJoinsTheNextLine() throws ConfigException {
        UciDocument d = parse("config s 'x'\n\toption a 'first'\\\n'second'\n\toption b \"dq\\\ncont\"\n\toption c 'z'\n");
        assertEquals("firstsecond", d.get("x", "a").orElseThrow());
        assertEquals("dqcont", d.get("x", "b").orElseThrow());
        // The joined line counts from its first physical line; later lines keep their numbers.
        assertEquals(2, d.section("x").orElseThrow().option("a").orElseThrow().line());
        assertEquals(4, d.section("x").orElseThrow().option("b").orElseThrow().line());
        assertEquals(6, d.section("x").orElseThrow().option("c").orElseThrow().line());
    }

    @Test
    void sectionsListsAndLines() throws ConfigException {
        UciDocument d = parse("""
                # comment
                config global 'global'
                \toption role 'router'

                config bond 'b0'
                \tlist member 'wan'
                \tlist member "lte"
                c offer
                \toption type 'emergency'
                config offer ''
                \toption type 'duplication'
                """);
        assertEquals(4, d.sections().size());
        UciSection g = d.sections().get(0);
        assertEquals("global", g.type());
        assertEquals("global", g.name().orElseThrow());
        assertEquals(2, g.line());
        assertEquals(3, g.option("role").orElseThrow().line());
        assertEquals(List.of("wan", "lte"), d.getList("b0", "member"));
        assertEquals(7, d.section("b0").orElseThrow().listStatements("member").get(1).line());
        UciSection anon = d.section("@offer[0]").orElseThrow();
        assertTrue(anon.anonymous());
        assertEquals("@offer[0]", anon.ref());
        assertEquals(8, anon.line());
        // config TYPE '' is anonymous, as in libuci
        assertEquals("duplication", d.get("@offer[1]", "type").orElseThrow());
        assertEquals("duplication", d.get("@offer[-1]", "type").orElseThrow());
        assertTrue(d.section("@offer[2]").isEmpty());
        assertTrue(d.section("@nope").isEmpty());
    }

    @Test
    void libuciSemanticsForRepeatedOptionsAndLists() throws ConfigException {
        UciDocument d = parse("""
                config s 'x'
                \toption a 'first'
                \toption a 'second'
                \tlist l 'one'
                \tlist l 'two'
                \toption m 'solo'
                \tlist m 'added'
                \tlist r 'dropped'
                \toption r 'reset'
                """);
        assertEquals("second", d.get("x", "a").orElseThrow());
        assertEquals(List.of("one", "two"), d.getList("x", "l"));
        assertEquals("one two", d.get("x", "l").orElseThrow());
        assertEquals(List.of("solo", "added"), d.getList("x", "m"));
        assertEquals(List.of("reset"), d.getList("x", "r"));
        assertEquals(List.of(), d.getList("x", "none"));
        assertTrue(d.get("x", "none").isEmpty());
    }

    @Test
    void packageLineBeforeSectionsIsKept() throws ConfigException {
        String text = "package 'coopwan'\n\nconfig s 'x'\n";
        assertEquals(text, parse(text).text());
    }

    @Test
    void crlfAndMissingFinalNewlineRoundTrip() throws ConfigException {
        String text = "config s 'x'\r\n\toption a 'v' \r\n\r\n\toption b 'w'";
        UciDocument d = parse(text);
        assertEquals("v", d.get("x", "a").orElseThrow());
        assertEquals("w", d.get("x", "b").orElseThrow());
        assertEquals(text, d.text());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "config s 'x'\\n\toption a 'open   | /etc/config/coopwan:2: unterminated single quote (a value must end on its own line)",
            "config s 'x'\\n\\n option a \"open | /etc/config/coopwan:3: unterminated double quote (a value must end on its own line)",
            "config s 'x'\\noption a \"x\\     | /etc/config/coopwan:2: unterminated double quote at end of file",
            "# top\\noption a 'b'             | /etc/config/coopwan:2: 'option' outside a section: no 'config' line before it",
            "list a 'b'                       | /etc/config/coopwan:1: 'list' outside a section: no 'config' line before it",
            "config 'a b' 'x'                 | /etc/config/coopwan:1: invalid section type 'a b': use printable ASCII without blanks",
            "config                           | /etc/config/coopwan:1: 'config' without a section type",
            "config ''                        | /etc/config/coopwan:1: 'config' without a section type",
            "config uplink 'wan-1'            | /etc/config/coopwan:1: invalid section name 'wan-1': only letters, digits and '_' are allowed",
            "config uplink 'a' 'b'            | /etc/config/coopwan:1: too many arguments: expected config TYPE ['NAME']",
            "config s 'x'\\n\toption my-opt 1 | /etc/config/coopwan:2: invalid option name 'my-opt': only letters, digits and '_' are allowed",
            "config s 'x'\\n\toption          | /etc/config/coopwan:2: 'option' without a name",
            "config s 'x'\\n\toption a b c    | /etc/config/coopwan:2: option 'a': too many arguments (quote a value that contains blanks)",
            "config s 'x'\\n\topton a 'b'     | /etc/config/coopwan:2: invalid command 'opton': expected config, option, list or a # comment",
            "config s 'x'\\n'option' a 'b'    | /etc/config/coopwan:2: invalid command ''option'': expected config, option, list or a # comment",
            "config s 'x'; option a 'b'       | /etc/config/coopwan:1: ';' between commands is not supported: put each on its own line",
            "config s 'x'\\npackage p         | /etc/config/coopwan:2: 'package' after the first section is not supported",
            "package                          | /etc/config/coopwan:1: 'package' without a name",
            "config uplink 'x'\\nconfig bond 'x' | /etc/config/coopwan:2: section 'x' of type 'bond' reuses the name of the 'uplink' section at line 1",
    })
    void syntaxErrorsNameFileAndLine(String text, String expected) {
        assertEquals(expected, errorOf(text.strip().replace("\\n", "\n")));
    }

    @Test
    void sameNameSameTypeParses() throws ConfigException {
        // libuci merges these; the document keeps both, ConfigLoader rejects the duplicate.
        assertEquals(2, parse("config uplink 'x'\nconfig uplink 'x'\n").sections().size());
    }

    @Test
    void nulAndInvalidUtf8AreErrorsWithTheirLine() {
        assertEquals("/etc/config/coopwan:2: NUL byte in line", errorOf("config s 'x'\n\toption a 'b\0'\n"));
        byte[] bad = "config s 'x'\n\n\toption a 'caf\u00e9'\n".getBytes(StandardCharsets.ISO_8859_1);
        ConfigException e = assertThrows(ConfigException.class, () -> UciDocument.parse(bad, FILE));
        assertEquals("/etc/config/coopwan:3: not valid UTF-8", e.getMessage());
        assertEquals(3, e.line());
    }

    @Test
    void missingFileIsAConfigException(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path f = dir.resolve("nope");
        ConfigException e = assertThrows(ConfigException.class, () -> UciDocument.read(f));
        assertEquals(f + ": cannot read: no such file", e.getMessage());
    }

    @Test
    void emptyInputsParse() throws ConfigException {
        assertTrue(parse("").sections().isEmpty());
        assertTrue(parse("\n\n# only comments\n   \n").sections().isEmpty());
        assertEquals("", UciDocument.empty(FILE).text());
    }

    @Test
    void nameAndValueRules() {
        assertTrue(UciSyntax.isValidName("wan_2"));
        assertFalse(UciSyntax.isValidName("wan-2"));
        assertFalse(UciSyntax.isValidName(""));
        assertFalse(UciSyntax.isValidName("é"));
        assertTrue(UciSyntax.isValidType("my-type.x"));
        assertFalse(UciSyntax.isValidType("a b"));
        assertEquals("'a'\\''b'", UciSyntax.quote("a'b"));
        assertEquals("''", UciSyntax.quote(""));
        assertThrows(IllegalArgumentException.class, () -> UciSyntax.quote("a\nb"));
    }
}
