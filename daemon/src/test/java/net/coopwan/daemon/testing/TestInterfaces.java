package net.coopwan.daemon.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hands out unique interface names ({@code cwt} + 6 hex digits) and, after each test, deletes any
 * interface of those names that is still there, passed or failed ({@code ip link del}, bounded to
 * 5 s each). Register with {@code @RegisterExtension}.
 */
public final class TestInterfaces implements AfterEachCallback {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<String> names = new ArrayList<>();

    /** A fresh name, removed after the test if an interface of that name exists then. */
    public synchronized String name() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        String n = "cwt" + HexFormat.of().formatHex(b);
        names.add(n);
        return n;
    }

    public static boolean exists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    public static String sys(String name, String attribute) throws Exception {
        return Files.readString(Path.of("/sys/class/net", name, attribute)).trim();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        List<String> left = new ArrayList<>();
        for (String n : names) {
            if (exists(n)) {
                left.add(n);
                Process p = new ProcessBuilder("ip", "link", "del", n).redirectErrorStream(true).start();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        names.clear();
        if (!left.isEmpty() && context.getExecutionException().isEmpty()) {
            throw new AssertionError("the test left interfaces behind (now deleted): " + left);
        }
    }
}
