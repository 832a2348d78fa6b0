package net.coopwan.webui.browser;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import net.coopwan.config.PasswordHash;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.webui.CountingApi;
import net.coopwan.webui.WebFrontEnd;

/**
 * A real daemon whose web front-end answers through a {@link CountingApi} the test sets up (for
 * what a test daemon's peer link cannot have: an emergency, sharing), and headless Chromium on it;
 * a failure leaves the browser's screenshot and page (BrowserTest.saveFailure).
 */
final class BrowserSite {

    /** What a test does in the browser. */
    interface Run {
        void run(WebDriver browser, URI site, CountingApi api) throws Exception;
    }

    private BrowserSite() {
    }

    /**
     * Starts the daemon (uplink "wan" on a device that does not exist, the web UI on a free port of
     * 127.0.0.1 with user admin and {@code password}), then {@code run}.
     */
    static void run(Path dir, String password, String driverLog, Consumer<CountingApi> setup, Run run) throws Exception {
        Path file = dir.resolve("coopwan");
        Files.writeString(file, """
                config global 'global'
                \toption control_socket ''

                config uplink 'wan'
                \toption device 'cwgnone0'

                config web 'web'
                \toption listen '127.0.0.1'
                \toption port '%d'
                \toption user 'admin'
                \toption password_hash '%s'
                """.formatted(TestDaemon.freeTcpPort(), PasswordHash.hash(password.toCharArray())));
        try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(file))) {
            FrontEndContext real = daemon.context();
            CountingApi api = new CountingApi(real.api(), real.config());
            setup.accept(api);
            WebFrontEnd web = new WebFrontEnd();
            web.start(new FrontEndContext(api, real.config(), real.stateDir()));
            try (WebDriver browser = WebDriver.start(Path.of("target", driverLog))) {
                try {
                    run.run(browser, web.uri(), api);
                } catch (AssertionError | RuntimeException e) {
                    BrowserTest.saveFailure(browser);
                    throw e;
                }
            } finally {
                web.stop();
            }
        }
    }
}
