package net.coopwan.config;

import static net.coopwan.config.ConfigLoaderTest.BASE;
import static net.coopwan.config.ConfigLoaderTest.append;
import static net.coopwan.config.ConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code config suppression}: defaults, every option, the shipped example, and a clear error for each bad value. */
class SuppressionConfigTest {

    @Test
    void withoutTheSectionTheDefaultsApply() throws ConfigException {
        assertEquals(Suppression.defaults(), load(BASE).suppression());
    }

    @Test
    void everyOptionIsRead() throws ConfigException {
        Suppression s = load(append("config suppression 'suppress'",
                "\toption enabled '0'",
                "\toption max_drop_percent '5'",
                "\toption per_connection_kbps '0'",
                "\toption up_kbps '8000'",
                "\toption down_kbps '60000'",
                "\toption dscp_cs1 'no'",
                "\toption ask_neighbours 'off'",
                "\toption app_type 'game'",
                "\toption lease_ms '60000'",
                "\toption shape_percent '80'")).suppression();
        assertEquals(new Suppression(false, 5, 0, 8000, 60000, false, false, "game", 60000, 80), s);
    }

    @Test
    void theShippedExampleIsTheDefaults() throws Exception {
        assertEquals(Suppression.defaults(), DefaultConfigTest.withExamples("", "config suppression 'suppress'").suppression());
    }

    private static String error(String line) {
        return assertThrows(ConfigException.class, () -> load(append("config suppression 'suppress'", line))).getMessage();
    }

    @Test
    void badValuesAreRefusedWithTheOptionAndTheRange() {
        assertTrue(error("\toption max_drop_percent '101'").contains("max_drop_percent"));
        assertTrue(error("\toption per_connection_kbps '-1'").contains("per_connection_kbps"));
        assertTrue(error("\toption app_type 'video'").contains("app_type"));
        assertTrue(error("\toption lease_ms '50'").contains("lease_ms"));
        assertTrue(error("\toption dscp_cs1 'maybe'").contains("dscp_cs1"));
        assertTrue(error("\toption shape_percent '5'").contains("shape_percent"), "under a tenth of the line");
        assertTrue(error("\toption shape_percent '101'").contains("shape_percent"));
    }
}
