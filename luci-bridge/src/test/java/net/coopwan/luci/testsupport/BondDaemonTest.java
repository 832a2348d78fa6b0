package net.coopwan.luci.testsupport;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.testing.TestInterfaces;

/**
 * Base of the bond tests of a front-end on the control socket: a real daemon running from a
 * config file (bonds are refused on embedded defaults) with its socket, TUN names from
 * {@link TestInterfaces}, and every bond a test left destroyed after it.
 */
public abstract class BondDaemonTest {

    @TempDir
    protected static Path dir;
    protected static RunningSocket running;
    protected static ControlApi api;

    @RegisterExtension
    protected final TestInterfaces ifs = new TestInterfaces();

    @BeforeAll
    static void startDaemon() throws Exception {
        running = RunningSocket.startFromFile(dir.resolve("ctl.sock"));
        api = running.daemon.api();
    }

    @AfterAll
    static void stopDaemon() {
        running.close();
    }

    @AfterEach
    void removeBonds() {
        for (BondStatus b : api.bonds()) {
            api.destroyBond(b.name());
        }
    }
}
