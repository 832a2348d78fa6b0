package net.coopwan.webui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Global;
import net.coopwan.config.PasswordHash;
import net.coopwan.config.PeerLink;
import net.coopwan.config.Snmp;
import net.coopwan.config.Uplink;
import net.coopwan.config.Web;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.webui.WebFrontEnd;

/**
 * A person's first visit, in headless Chromium: redirected to the login page, logs in with the
 * shipped password, sees the router's status with the default-password warning, reloads the
 * configuration and sees the result. Leaves target/webui-status.png to look at.
 */
class BrowserTest {

    static final Path SCREENSHOT = Path.of("target", "webui-status.png");

    @Test
    void loginSeeStatusAndReload() throws Exception {
        CoopwanConfig config = new CoopwanConfig(
                new Global(Global.Role.ROUTER, "info", "/nonexistent/coopwan.sock"),
                List.of(new Uplink("wan", "lo", true, 0, 0)),
                new PeerLink(false, "br-coop", 4790),
                List.of(),
                new Web(true, "127.0.0.1", TestDaemon.freeTcpPort(), "admin",
                        PasswordHash.hash("coopwan".toCharArray()), 600),
                new Snmp(false, "127.0.0.1", 0, "admin", "SHA-256", "authpass1", "AES-128", "privpass1", "", "", "", ""),
                List.of());
        Files.deleteIfExists(SCREENSHOT);
        try (TestDaemon daemon = TestDaemon.start(config)) {
            WebFrontEnd web = new WebFrontEnd();
            web.start(daemon.context());
            try (WebDriver browser = WebDriver.start(Path.of("target", "chromedriver.log"))) {
                try {
                    run(browser, web.uri(), daemon);
                } catch (AssertionError | RuntimeException e) {
                    saveFailure(browser);
                    throw e;
                }
            } finally {
                web.stop();
            }
        }
    }

    /** What the browser showed when the test failed: target/webui-failure.png and .html. */
    private static void saveFailure(WebDriver browser) {
        try {
            browser.screenshot(Path.of("target", "webui-failure.png"));
            Files.writeString(Path.of("target", "webui-failure.html"), browser.currentUrl() + "\n" + browser.pageSource());
        } catch (IOException | RuntimeException | AssertionError e) {
            // The original failure matters more.
        }
    }

    private static void run(WebDriver browser, URI site, TestDaemon daemon) throws IOException {
        browser.navigate(site);
        assertEquals(site.resolve("/login").toString(), browser.currentUrl(), "not logged in: sent to the login page");

        browser.type(browser.find("#user"), "admin");
        browser.type(browser.find("#password"), "coopwan");
        browser.click(browser.find("#login"));

        Status status = daemon.api().status();
        assertEquals(status.hostname(), browser.text(browser.find("#hostname")));
        assertEquals(site.toString(), browser.currentUrl());
        WebDriver.Element wan = browser.find("tr.uplink[data-name='wan']");
        assertEquals("lo", browser.text(browser.find("tr.uplink[data-name='wan'] td.device")));
        WebDriver.Element state = browser.find("tr.uplink[data-name='wan'] .state");
        assertEquals("UP", browser.text(state));
        assertTrue(browser.displayed(wan));
        // The style sheet loaded under the Content-Security-Policy: the UP badge is green.
        assertEquals("rgba(26, 127, 55, 1)", browser.css(state, "background-color"));
        WebDriver.Element warning = browser.find("#default-password-warning");
        assertTrue(browser.displayed(warning));
        assertTrue(browser.text(warning).contains("shipped default"), browser.text(warning));

        browser.click(browser.find("#reload"));
        String shown = browser.text(browser.find("#reload-result"));
        ReloadResult expected = daemon.api().reload();
        assertEquals(expected.message(), shown);
        assertEquals(site.toString(), browser.currentUrl(), "post/redirect/get back to the status page");
        browser.screenshot(SCREENSHOT);
        assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot looks empty");

        browser.click(browser.find("#logout"));
        assertFalse(browser.find("#login").id().isEmpty());
        assertEquals(site.resolve("/login").toString(), browser.currentUrl());
    }
}
