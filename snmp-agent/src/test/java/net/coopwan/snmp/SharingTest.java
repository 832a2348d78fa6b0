package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.SharingStatus;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.snmp.mib.CoopwanMib;

/**
 * Bandwidth sharing in COOPWAN-MIB through net-snmp's snmpget: coopSharingSessions (Gauge32, now)
 * and coopSharingBytesLent / coopSharingBytesBorrowed (Counter64, the daemon's kept totals) on a
 * real daemon and agent; the sharing status comes from the test (a real one needs two routers and
 * their kernel paths: SharingLabIT), everything else from the daemon. Counter64s never go back,
 * also while the daemon reports no sharing (peer link off). Free UDP port on 127.0.0.1.
 */
class SharingTest {

    static final String SESSIONS = CoopwanMib.COOP_SHARING_SESSIONS.toDottedString() + ".0";
    static final String LENT = CoopwanMib.COOP_SHARING_BYTES_LENT.toDottedString() + ".0";
    static final String BORROWED = CoopwanMib.COOP_SHARING_BYTES_BORROWED.toDottedString() + ".0";

    @TempDir
    Path dir;

    volatile SharingStatus sharing = SharingStatus.off();

    /** The daemon's ControlApi with {@link #sharing} in the test's hands. */
    ControlApi api(ControlApi daemon) {
        return (ControlApi) Proxy.newProxyInstance(ControlApi.class.getClassLoader(), new Class<?>[] {ControlApi.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("sharing")) {
                        return sharing;
                    }
                    try {
                        return m.invoke(daemon, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static SharingStatus totals(long lentSessions, long borrowedSessions, long lentDown, long lentUp, long borrowedDown,
            long borrowedUp) {
        return new SharingStatus(true, true, 0, 0, List.of(), List.of(), Map.of(),
                new SharingStatus.Totals(lentSessions, borrowedSessions, 11, lentDown, lentUp, borrowedDown, borrowedUp));
    }

    @Test
    void sessionsNowAndBytesKeptAreReadWithSnmpgetAndNeverGoBack() throws Exception {
        NetSnmp.requireInstalled();
        int port = TestDaemon.freeUdpPort();
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, "config global 'global'\n\toption control_socket ''\n\n"
                + "config uplink 'wan'\n\toption device 'lo'\n\n"
                + "config snmp 'snmp'\n\toption listen '127.0.0.1'\n\toption port '" + port + "'\n"
                + "\toption v3_user '" + TestConfigs.USER + "'\n"
                + "\toption v3_auth_pass '" + TestConfigs.AUTH_PASS + "'\n"
                + "\toption v3_priv_pass '" + TestConfigs.PRIV_PASS + "'\n");
        try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(cfg))) {
            FrontEndContext ctx = new FrontEndContext(api(daemon.api()), daemon.context().config(),
                    daemon.context().stateDir());
            NetSnmp snmp = new NetSnmp(dir, port);
            try (SnmpAgent agent = SnmpAgent.start(ctx, Duration.ofMinutes(1), Duration.ofSeconds(2))) {
                NetSnmp.Result off = snmp.v3("snmpget", SESSIONS, LENT, BORROWED);
                assertEquals(0, off.exit(), off.toString());
                assertEquals(new NetSnmp.Var("Gauge32", "0"), off.var(SESSIONS));
                assertEquals(new NetSnmp.Var("Counter64", "0"), off.var(LENT));
                assertEquals(new NetSnmp.Var("Counter64", "0"), off.var(BORROWED));

                // 3 borrowed connections carried, 2 of its own moved; bytes each way added
                sharing = totals(3, 2, 5_000_000_000L, 70_000, 900_000, 40_000);
                Thread.sleep(600); // the agent's snapshot of the daemon lives 500 ms
                NetSnmp.Result on = snmp.v3("snmpget", SESSIONS, LENT, BORROWED);
                assertEquals(new NetSnmp.Var("Gauge32", "5"), on.var(SESSIONS), on.toString());
                assertEquals(new NetSnmp.Var("Counter64", "5000070000"), on.var(LENT), "beyond 32 bits: " + on);
                assertEquals(new NetSnmp.Var("Counter64", "940000"), on.var(BORROWED));

                // the peer link goes off: the daemon reports nothing, the counters stay where they were
                sharing = SharingStatus.off();
                Thread.sleep(600);
                NetSnmp.Result gone = snmp.v3("snmpget", SESSIONS, LENT, BORROWED);
                assertEquals(new NetSnmp.Var("Gauge32", "0"), gone.var(SESSIONS), gone.toString());
                assertEquals(new NetSnmp.Var("Counter64", "5000070000"), gone.var(LENT));
                assertEquals(new NetSnmp.Var("Counter64", "940000"), gone.var(BORROWED));

                // back, with more borrowed since
                sharing = totals(0, 1, 5_000_000_000L, 70_000, 1_900_000, 40_000);
                Thread.sleep(600);
                NetSnmp.Result more = snmp.v3("snmpget", SESSIONS, BORROWED);
                assertEquals(new NetSnmp.Var("Gauge32", "1"), more.var(SESSIONS), more.toString());
                assertEquals(new NetSnmp.Var("Counter64", "1940000"), more.var(BORROWED));
            }
        }
    }
}
