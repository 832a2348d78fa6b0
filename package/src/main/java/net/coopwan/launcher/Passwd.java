package net.coopwan.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.PasswordHash;
import net.coopwan.config.uci.UciDocument;

/**
 * {@code coopwan passwd [--config FILE]}: sets {@code web.password_hash}. Reads the password twice
 * from the terminal, or once from stdin when there is none (scripts, first-boot provisioning).
 * The file is rewritten atomically with its comments and unknown options kept, and checked
 * before it replaces the old one.
 */
final class Passwd {

    static final int MIN_LENGTH = 8;

    private Passwd() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.console(), System.in, out, err);
    }

    static int run(String[] args, Console console, InputStream stdin, PrintStream out, PrintStream err) {
        Path file = Path.of(CheckConfig.DEFAULT_CONFIG);
        if (args.length == 2 && (args[0].equals("--config") || args[0].equals("-c"))) {
            file = Path.of(args[1]);
        } else if (args.length != 0) {
            err.println("usage: coopwan passwd [--config FILE]");
            return 2;
        }
        char[] password;
        try {
            password = read(console, stdin, err);
        } catch (IOException e) {
            err.println("coopwan passwd: cannot read the password: " + e.getMessage());
            return 1;
        }
        if (password == null) {
            return 1;
        }
        try {
            if (password.length < MIN_LENGTH) {
                err.println("coopwan passwd: the password must have at least " + MIN_LENGTH + " characters");
                return 1;
            }
            UciDocument doc = UciDocument.read(file);
            if (doc.section("web").isEmpty()) {
                doc = doc.withSection("web", "web");
            }
            UciDocument next = doc.withOption("web", "password_hash", PasswordHash.hash(password));
            // Validate the result before it replaces a file the daemon may reload at any moment.
            ConfigLoader.load(next);
            next.write(file);
            out.println("coopwan passwd: password set in " + file + "; run `coopwan ctl reload` to apply it");
            return 0;
        } catch (ConfigException e) {
            err.println("coopwan passwd: " + e.getMessage());
            return 3;
        } catch (IOException e) {
            err.println("coopwan passwd: cannot write " + file + ": " + e.getMessage());
            return 1;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] read(Console console, InputStream stdin, PrintStream err) throws IOException {
        if (console != null) {
            char[] a = console.readPassword("New web UI password: ");
            char[] b = console.readPassword("Again: ");
            if (a == null || b == null || !Arrays.equals(a, b)) {
                err.println("coopwan passwd: the passwords do not match");
                return null;
            }
            Arrays.fill(b, '\0');
            return a;
        }
        String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            err.println("coopwan passwd: no password on stdin");
            return null;
        }
        return line.toCharArray();
    }
}
