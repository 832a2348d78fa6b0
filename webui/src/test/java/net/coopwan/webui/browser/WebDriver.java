package net.coopwan.webui.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Just enough of the W3C WebDriver protocol to drive headless Chromium through chromedriver:
 * start chromedriver on a free port, open a session with a fresh profile directory, navigate,
 * find by CSS, type, click, read text and CSS values, take a screenshot. Selenium would do the
 * same at many megabytes of dependencies.
 *
 * <p>{@link #close()} ends the session, stops chromedriver and any browser it left behind, and
 * deletes the profile directory.
 */
final class WebDriver implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The key W3C uses for element references in JSON. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final Path profile;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String session;

    /** A browser element, by its WebDriver id. */
    record Element(String id) {
    }

    private WebDriver(Process driver, Path profile, URI base) {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
    }

    /** Starts chromedriver and a headless Chromium session; fails clearly when either is missing. */
    static WebDriver start(Path driverLog) throws IOException, InterruptedException {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the browser test needs Debian's chromium and "
                        + "chromium-driver; run scripts/setup.sh");
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(driverLog.getParent());
        Process p = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
        Path profile = Files.createTempDirectory("coopwan-chromium");
        WebDriver d = new WebDriver(p, profile, URI.create("http://127.0.0.1:" + port + "/"));
        try {
            d.awaitReady();
            d.newSession();
        } catch (InterruptedException | RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive()) {
                throw new AssertionError("chromedriver exited with " + driver.exitValue() + "; see its log");
            }
            try {
                if (call("GET", "status", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new AssertionError("chromedriver not ready within 15 s");
    }

    private void newSession() {
        Map<String, Object> chrome = Map.of(
                "binary", CHROMIUM.toString(),
                "args", List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--window-size=1280,1400", "--user-data-dir=" + profile));
        JsonNode v = call("POST", "session", Map.of("capabilities", Map.of("alwaysMatch",
                Map.of("browserName", "chrome", "goog:chromeOptions", chrome))));
        session = v.get("sessionId").asText();
        // Finding an element waits up to 10 s for it: pages load after clicks without sleeps in tests.
        call("POST", "session/" + session + "/timeouts", Map.of("implicit", 10_000, "pageLoad", 20_000));
    }

    void navigate(URI url) {
        call("POST", s("url"), Map.of("url", url.toString()));
    }

    String currentUrl() {
        return call("GET", s("url"), null).asText();
    }

    Element find(String css) {
        JsonNode v = call("POST", s("element"), Map.of("using", "css selector", "value", css));
        return new Element(v.get(ELEMENT).asText());
    }

    void type(Element e, String text) {
        call("POST", s("element/" + e.id() + "/value"), Map.of("text", text));
    }

    void click(Element e) {
        call("POST", s("element/" + e.id() + "/click"), Map.of());
    }

    String text(Element e) {
        return call("GET", s("element/" + e.id() + "/text"), null).asText();
    }

    /**
     * The text of what {@code css} selects, once {@code done} accepts it; else the last text seen
     * after 10 s, for the assertion to show. A click that submits a form returns before the
     * post/redirect/get has replaced the page, so a find right after it may still get the old
     * page's element (its old text, or "stale element" once the new page is in): this finds again
     * until the new page's element says what the action should have said.
     */
    String textOnceIt(String css, java.util.function.Predicate<String> done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = "(nothing found)";
        while (true) {
            try {
                last = text(find(css));
                if (done.test(last)) {
                    return last;
                }
            } catch (AssertionError e) {
                // the old page's element, found just before the new page replaced it: chromedriver
                // says "stale element" or, from its inspector, "does not belong to the document"
                String m = String.valueOf(e.getMessage());
                if (!m.contains("stale element") && !m.contains("does not belong to the document")) {
                    throw e;
                }
            }
            if (System.nanoTime() > until) {
                return last;
            }
            Thread.sleep(100);
        }
    }

    boolean displayed(Element e) {
        return call("GET", s("element/" + e.id() + "/displayed"), null).asBoolean();
    }

    String css(Element e, String property) {
        return call("GET", s("element/" + e.id() + "/css/" + property), null).asText();
    }

    /** The HTML of the current page, for failure reports. */
    String pageSource() {
        return call("GET", s("source"), null).asText();
    }

    /** The visible viewport as PNG. */
    void screenshot(Path file) throws IOException {
        byte[] png = Base64.getDecoder().decode(call("GET", s("screenshot"), null).asText());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png);
    }

    private String s(String command) {
        return "session/" + session + "/" + command;
    }

    /** One WebDriver command; returns its "value", or fails the test with the driver's error. */
    private JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json; charset=utf-8")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode value = JSON.readTree(r.body()).path("value");
            if (r.statusCode() != 200) {
                throw new AssertionError("WebDriver " + method + " /" + path + " failed: " + r.statusCode() + " "
                        + value.path("error").asText() + ": " + value.path("message").asText());
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (session != null && driver.isAlive()) {
                call("DELETE", "session/" + session, null);
            }
        } catch (RuntimeException | AssertionError e) {
            // Still stop the processes below.
        } finally {
            stopProcesses();
            deleteProfile();
        }
    }

    /** chromedriver and, should it leave any, the browser processes it started. */
    private void stopProcesses() {
        List<ProcessHandle> children = driver.descendants().toList();
        driver.destroy();
        try {
            if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                driver.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: it is under the temp directory.
        }
    }
}
