package net.coopwan.config;

import static net.coopwan.config.ConfigLoaderTest.BASE;
import static net.coopwan.config.ConfigLoaderTest.append;
import static net.coopwan.config.ConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code config sharing}: defaults, every option, the shipped example, and a clear error for each bad value. */
class SharingConfigTest {

    @Test
    void withoutTheSectionTheDefaultsApply() throws ConfigException {
        assertEquals(Sharing.defaults(), load(BASE).sharing());
        assertEquals(List.of(80, 443), Sharing.defaults().ports());
        assertEquals(List.of("*download*", "*file*"), Sharing.defaults().avoid());
    }

    @Test
    void everyOptionIsRead() throws ConfigException {
        Sharing s = load(append("config sharing 'sharing'",
                "\toption lend '0'",
                "\toption borrow 'no'",
                "\toption window_s '60'",
                "\toption margin_percent '25'",
                "\tlist port '443'",
                "\tlist port '8443'",
                "\tlist avoid '*.iso'",
                "\toption busy_percent '70'",
                "\toption force_terminate '1'",
                "\toption learn_hosts '0'")).sharing();
        assertEquals(new Sharing(false, false, 60, 25, List.of(443, 8443), List.of("*.iso"), 70, true, false), s);
    }

    @Test
    void theShippedExampleIsTheDefaults() throws Exception {
        assertEquals(Sharing.defaults(), DefaultConfigTest.withExamples("", "config sharing 'sharing'").sharing());
    }

    private static String error(String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = "config sharing 'sharing'";
        System.arraycopy(lines, 0, all, 1, lines.length);
        return assertThrows(ConfigException.class, () -> load(append(all))).getMessage();
    }

    @Test
    void badValuesAreRefusedWithTheLineAndTheReason() {
        assertTrue(error("\toption window_s '5'").contains("window_s"), error("\toption window_s '5'"));
        assertTrue(error("\toption margin_percent '95'").contains("margin_percent"));
        assertTrue(error("\tlist port '0'").contains("must be a TCP port 1-65535, got '0'"));
        assertTrue(error("\tlist port '80'", "\tlist port '80'").contains("port 80 is listed twice"));
        assertTrue(error("\tlist avoid 'a b'").contains("printable characters without blanks"));
        assertTrue(error("\toption busy_percent '101'").contains("busy_percent"));
        assertTrue(error("\toption force_terminate 'maybe'").contains("force_terminate"));
        assertTrue(error("\toption learn_hosts 'maybe'").contains("learn_hosts"));
        String[] many = new String[17];
        for (int i = 0; i < 17; i++) {
            many[i] = "\tlist port '" + (1000 + i) + "'";
        }
        assertTrue(error(many).contains("at most 16 ports"));
    }
}
