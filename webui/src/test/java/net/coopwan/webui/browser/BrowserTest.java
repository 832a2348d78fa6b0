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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.PasswordHash;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.daemon.testing.TestInterfaces;
import net.coopwan.webui.WebFrontEnd;

/**
 * A person's first visit, in headless Chromium: redirected to the login page, logs in with the
 * shipped password, sees the router's status with the default-password warning, reloads the
 * configuration and sees the result, creates a bond with the form (a real interface, shown with its
 * ifindex), is told why a second one of that name is refused, and deletes it. Leaves target/webui-status.png to look at.
 */
class BrowserTest {

    static final Path SCREENSHOT = Path.of("target", "webui-status.png");

    /** Bond names that the extension deletes after the test if an interface of that name is left. */
    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    @TempDir
    Path dir;

    /**
     * The daemon runs from a config file, as bonds need (on embedded defaults it refuses them):
     * one uplink "wan" on lo, the web UI on a free port with the shipped password.
     */
    private Path configFile() throws IOException {
        Path file = dir.resolve("coopwan");
        Files.writeString(file, """
                config global 'global'
                \toption control_socket ''

                config uplink 'wan'
                \toption device 'lo'

                config web 'web'
                \toption listen '127.0.0.1'
                \toption port '%d'
                \toption user 'admin'
                \toption password_hash '%s'
                \toption session_timeout '600'
                """.formatted(TestDaemon.freeTcpPort(), PasswordHash.hash("coopwan".toCharArray())));
        return file;
    }

    @Test
    void loginSeeStatusReloadAndCreateAndDeleteABond() throws Exception {
        Files.deleteIfExists(SCREENSHOT);
        String bond = ifs.name();
        try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(configFile()))) {
            WebFrontEnd web = new WebFrontEnd();
            web.start(daemon.context());
            try (WebDriver browser = WebDriver.start(Path.of("target", "chromedriver.log"))) {
                try {
                    run(browser, web.uri(), daemon, bond);
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
    static void saveFailure(WebDriver browser) {
        try {
            browser.screenshot(Path.of("target", "webui-failure.png"));
            Files.writeString(Path.of("target", "webui-failure.html"), browser.currentUrl() + "\n" + browser.pageSource());
        } catch (IOException | RuntimeException | AssertionError e) {
            // The original failure matters more.
        }
    }

    private static void run(WebDriver browser, URI site, TestDaemon daemon, String bond) throws Exception {
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

        // A bond through the form: a real interface, shown in the table with its ifindex.
        assertTrue(browser.displayed(browser.find("#no-bonds")));
        browser.type(browser.find("#bond-name"), bond);
        browser.type(browser.find("#bond-mtu"), "1300");
        browser.click(browser.find("input.bond-member[data-uplink='wan']"));
        browser.click(browser.find("#create-bond-submit"));
        // the click may return before the post has been answered: wait for it, bounded
        long until = System.nanoTime() + 10_000_000_000L;
        while (!TestInterfaces.exists(bond) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertTrue(TestInterfaces.exists(bond), "the form made a kernel interface");
        String ifIndex = TestInterfaces.sys(bond, "ifindex");
        assertEquals("1300", TestInterfaces.sys(bond, "mtu"));
        String created = "Bond " + bond + " created as ifindex " + ifIndex + ".";
        assertEquals(created, browser.textOnceIt("#bond-result", created::equals));
        String row = "tr.bond[data-name='" + bond + "'] ";
        assertEquals(ifIndex, browser.text(browser.find(row + "td.ifindex")));
        assertEquals("adaptive", browser.text(browser.find(row + "td.mode")));
        assertEquals("wan", browser.text(browser.find(row + "td.members")));
        assertEquals("ACTIVE", browser.text(browser.find(row + ".state")));
        assertEquals(site.resolve("/#bonds").toString(), browser.currentUrl(), "post/redirect/get");
        browser.screenshot(SCREENSHOT);
        assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot looks empty");

        // The same name again: the daemon's refusal is the message.
        browser.type(browser.find("#bond-name"), bond);
        browser.click(browser.find("#create-bond-submit"));
        String refusal = browser.textOnceIt("#bond-result", t -> t.startsWith("Bond not created: "));
        assertTrue(refusal.startsWith("Bond not created: "), refusal);
        WebDriver.Element refused = browser.find("#bond-result");
        assertEquals("rgba(207, 34, 46, 1)", browser.css(refused, "color"), "a refusal is shown red");

        browser.click(browser.find(row + "button.delete-bond"));
        String deleted = "Bond " + bond + " deleted.";
        assertEquals(deleted, browser.textOnceIt("#bond-result", deleted::equals));
        assertTrue(browser.displayed(browser.find("#no-bonds")));
        assertFalse(TestInterfaces.exists(bond), "Delete removed the interface");
        assertEquals(List.of(), daemon.api().bonds());

        browser.click(browser.find("#logout"));
        assertFalse(browser.find("#login").id().isEmpty());
        assertEquals(site.resolve("/login").toString(), browser.currentUrl());
    }
}
