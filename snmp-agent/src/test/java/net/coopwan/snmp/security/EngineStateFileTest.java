package net.coopwan.snmp.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineStateFileTest {

    @TempDir
    Path dir;

    @Test
    void firstBootMakesAnEngineIdAndLaterBootsCountUp() throws IOException {
        Path state = dir.resolve("snmp"); // created on demand
        EngineState first = new EngineStateFile(state).boot();
        assertEquals(1, first.engineBoots());
        byte[] id = first.engineId();
        assertEquals(17, id.length);
        assertArrayEquals(new byte[] {(byte) 0x80, 0x00, 0x1f, (byte) 0x88, 0x05}, java.util.Arrays.copyOf(id, 5));

        EngineState second = new EngineStateFile(state).boot();
        EngineState third = new EngineStateFile(state).boot();
        assertArrayEquals(id, second.engineId());
        assertArrayEquals(id, third.engineId());
        assertEquals(2, second.engineBoots());
        assertEquals(3, third.engineBoots());
        assertFalse(Files.exists(state.resolve("engine.properties.tmp")), "no temp file left");
    }

    @Test
    void twoStateDirectoriesHaveDifferentEngineIds() throws IOException {
        assertNotEquals(new EngineStateFile(dir.resolve("a")).boot().engineIdHex(),
                new EngineStateFile(dir.resolve("b")).boot().engineIdHex());
    }

    @Test
    void corruptFilesAreKeptAsideAndANewEngineStarts() throws IOException {
        for (String junk : List.of("", "engineId=zz\nengineBoots=4\n", "engineId=800000000102\nengineBoots=x\n",
                "engineId=8000\nengineBoots=4\n", "engineId=80001f880501020304\nengineBoots=-3\n",
                "engineBoots=5\n", "\\u00zz")) {
            Path d = Files.createTempDirectory(dir, "c");
            Files.writeString(d.resolve("engine.properties"), junk);
            EngineState s = new EngineStateFile(d).boot();
            assertEquals(1, s.engineBoots(), junk);
            List<String> aside = names(d, "engine.properties.corrupt-");
            assertEquals(1, aside.size(), "kept for the admin: " + junk);
            assertEquals(junk, Files.readString(d.resolve(aside.get(0))));
        }
        Path binary = Files.createTempDirectory(dir, "bin");
        Files.write(binary.resolve("engine.properties"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertEquals(1, new EngineStateFile(binary).boot().engineBoots());
    }

    @Test
    void bootsStopAtTheMaximum() throws IOException {
        Files.writeString(dir.resolve("engine.properties"),
                "engineId=80001f88050102030405060708090a0b0c\nengineBoots=2147483647\n");
        EngineState s = new EngineStateFile(dir).boot();
        assertEquals(EngineState.MAX_BOOTS, s.engineBoots());
        assertEquals("80001f88050102030405060708090a0b0c", s.engineIdHex());
    }

    @Test
    void anUnwritableDirectoryIsAnErrorNotASilentReuse() throws IOException {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> new EngineStateFile(file.resolve("snmp")).boot());
        assertTrue(e.getMessage().contains("not-a-dir"), e.getMessage());
    }

    @Test
    void theFileIsReadableText() throws IOException {
        EngineState s = new EngineStateFile(dir).boot();
        String text = Files.readString(dir.resolve("engine.properties"));
        assertTrue(text.contains("engineId=" + s.engineIdHex()), text);
        assertTrue(text.contains("engineBoots=1"), text);
        assertEquals(s, EngineStateFile.parse(text));
    }

    @Test
    void engineStateRejectsImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> new EngineState(new byte[4], 1));
        assertThrows(IllegalArgumentException.class, () -> new EngineState(new byte[33], 1));
        assertThrows(IllegalArgumentException.class, () -> new EngineState(new byte[5], 0));
        byte[] id = new byte[] {1, 2, 3, 4, 5};
        EngineState s = new EngineState(id, 1);
        id[0] = 9;
        assertEquals(1, s.engineId()[0], "defensive copy");
    }

    private static List<String> names(Path d, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .collect(Collectors.toList());
        }
    }
}
