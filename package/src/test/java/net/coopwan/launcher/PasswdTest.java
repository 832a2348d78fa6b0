package net.coopwan.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.ConfigLoader;
import net.coopwan.config.PasswordHash;

class PasswdTest {

    @TempDir
    Path dir;

    private int passwd(Path file, String stdin, ByteArrayOutputStream err) {
        return Passwd.run(new String[] {"--config", file.toString()}, null,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
    }

    @Test
    void setsTheHashAndKeepsCommentsAndUnknownOptions() throws Exception {
        Path file = dir.resolve("coopwan");
        String original = new String(ConfigLoader.defaultDocument().toBytes(), StandardCharsets.UTF_8)
                + "\nconfig vendor 'x'\n\toption something 'kept'\n";
        Files.writeString(file, original);
        assertEquals(0, passwd(file, "correct horse\n", new ByteArrayOutputStream()));
        String now = Files.readString(file);
        String hash = ConfigLoader.load(file).web().passwordHash();
        assertTrue(PasswordHash.verify("correct horse".toCharArray(), hash));
        assertFalse(PasswordHash.verify("coopwan".toCharArray(), hash));
        assertTrue(now.contains("option something 'kept'"));
        long commentsBefore = original.lines().filter(l -> l.startsWith("#")).count();
        assertEquals(commentsBefore, now.lines().filter(l -> l.startsWith("#")).count(), "comments kept");
    }

    @Test
    void refusesShortPasswordsAndLeavesTheFileAlone() throws Exception {
        Path file = dir.resolve("coopwan");
        Files.write(file, ConfigLoader.defaultDocument().toBytes());
        byte[] before = Files.readAllBytes(file);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, passwd(file, "short\n", err));
        assertTrue(err.toString().contains("at least 8"), err.toString());
        assertEquals(new String(before), Files.readString(file));
    }

    @Test
    void refusesToWriteIntoABrokenConfig() throws Exception {
        Path file = dir.resolve("coopwan");
        Files.writeString(file, "config web 'web'\n\toption port 'x'\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(3, passwd(file, "long enough\n", err));
        assertTrue(err.toString().contains(file + ":2:"), err.toString());
        assertEquals("config web 'web'\n\toption port 'x'\n", Files.readString(file));
    }
}
