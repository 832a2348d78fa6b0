package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.coopwan.daemon.api.LatencyStatus;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.snmp.mib.CoopwanMib;

/**
 * Latency-critical traffic in COOPWAN-MIB through net-snmp's snmpget and snmpwalk on a real daemon
 * and agent; the latency status comes from the test (a real one needs two routers, a concentrator
 * and LC traffic: the daemon's lab tests), everything else from the daemon. The real daemon's (peer
 * link off) first, then every part on, then duplication turned off and on again: its Counter64s
 * never go back. Free UDP port on 127.0.0.1.
 */
class LatencyTest {

    static final String SESSIONS = scalar(CoopwanMib.COOP_LATENCY_LC_SESSIONS);
    static final String PACKETS = scalar(CoopwanMib.COOP_LATENCY_LC_PACKETS);
    static final String CURRENT = scalar(CoopwanMib.COOP_LATENCY_LC_CURRENT);
    static final String DUP_ON = scalar(CoopwanMib.COOP_DUPLICATION_ON);
    static final String COPIES = scalar(CoopwanMib.COOP_DUPLICATION_COPIES_SENT);
    static final String DELIVERED = scalar(CoopwanMib.COOP_DUPLICATION_DELIVERED);
    static final String DROPPED = scalar(CoopwanMib.COOP_DUPLICATION_DUPLICATES_DROPPED);
    static final String SUPP = scalar(CoopwanMib.COOP_SUPPRESSION_ACTIVE);
    static final String CEILING = scalar(CoopwanMib.COOP_SUPPRESSION_CEILING);
    static final String ISP = scalar(CoopwanMib.COOP_COMMON_ISP_VERDICT);
    static final String DROPS = scalar(CoopwanMib.COOP_SUPPRESSION_DROPS);
    static final String MARKS = scalar(CoopwanMib.COOP_SUPPRESSION_ECN_MARKS);

    @TempDir
    Path dir;

    /** null: the daemon's own. */
    volatile LatencyStatus latency;

    private static String scalar(org.snmp4j.smi.OID o) {
        return o.toDottedString() + ".0";
    }

    ControlApi api(ControlApi daemon) {
        return (ControlApi) Proxy.newProxyInstance(ControlApi.class.getClassLoader(), new Class<?>[] {ControlApi.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("latency") && latency != null) {
                        return latency;
                    }
                    try {
                        return m.invoke(daemon, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Classification with {@code lcPackets}, duplication {@code on} with its counters, suppression, one neighbour. */
    static LatencyStatus status(long lcPackets, boolean on, long copies, long delivered, long dropped, String verdict) {
        return new LatencyStatus(
                new LatencyStatus.Classification(true, "b", true, lcPackets, Map.of("game", 3L), 0, 0, 0, 0, 0, 0, 0, 0, 4),
                new LatencyStatus.Suppression(true, "ENFORCING", "loss rising", 10, Map.of("", 10), Map.of(), copies / 10,
                        copies / 100),
                new LatencyStatus.Duplication(on, on ? "agreement enables duplication" : "neighbour link lost", "coop-n", on,
                        1, 4, copies / 2, copies, delivered, dropped, 0, 0),
                new LatencyStatus.CommonIsp(true, true, "198.18.0.1", List.of(new LatencyStatus.IspNeighbour("coop-n", verdict,
                        "", 1, 0.25, "198.18.0.1", "", "", null, null, true, true, null, false, "")), Map.of()));
    }

    @Test
    void readWithSnmpgetAndWalkAndTheCountersNeverGoBack() throws Exception {
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
                NetSnmp.Result off = snmp.v3("snmpget", SESSIONS, PACKETS, CURRENT, DUP_ON, COPIES, SUPP, CEILING, ISP);
                assertEquals(0, off.exit(), off.toString());
                assertEquals(new NetSnmp.Var("Gauge32", "0"), off.var(SESSIONS), off.toString());
                assertEquals(new NetSnmp.Var("Counter64", "0"), off.var(PACKETS));
                assertEquals(new NetSnmp.Var("INTEGER", "2"), off.var(CURRENT), "false(2): " + off);
                assertEquals(new NetSnmp.Var("INTEGER", "2"), off.var(DUP_ON));
                assertEquals(new NetSnmp.Var("INTEGER", "2"), off.var(SUPP));
                assertEquals(new NetSnmp.Var("INTEGER", "-1"), off.var(CEILING));
                assertEquals(new NetSnmp.Var("INTEGER", "1"), off.var(ISP), "noNeighbour(1): " + off);

                latency = status(5_000_000_000L, true, 1000, 480, 470, "DIFFERENT");
                Thread.sleep(600); // the agent's snapshot of the daemon lives 500 ms
                NetSnmp.Result on = snmp.v3("snmpget", SESSIONS, PACKETS, CURRENT, DUP_ON, COPIES, DELIVERED, DROPPED, SUPP,
                        CEILING, ISP);
                assertEquals(new NetSnmp.Var("Gauge32", "4"), on.var(SESSIONS), on.toString());
                assertEquals(new NetSnmp.Var("Counter64", "5000000000"), on.var(PACKETS), "beyond 32 bits: " + on);
                assertEquals(new NetSnmp.Var("INTEGER", "1"), on.var(CURRENT));
                assertEquals(new NetSnmp.Var("INTEGER", "1"), on.var(DUP_ON));
                assertEquals(new NetSnmp.Var("Counter64", "1000"), on.var(COPIES));
                assertEquals(new NetSnmp.Var("Counter64", "480"), on.var(DELIVERED));
                assertEquals(new NetSnmp.Var("Counter64", "470"), on.var(DROPPED));
                assertEquals(new NetSnmp.Var("INTEGER", "1"), on.var(SUPP));
                assertEquals(new NetSnmp.Var("INTEGER", "10"), on.var(CEILING));
                assertEquals(new NetSnmp.Var("INTEGER", "4"), on.var(ISP), "different(4): " + on);
                NetSnmp.Result held = snmp.v3("snmpget", DROPS, MARKS);
                assertEquals(new NetSnmp.Var("Counter64", "100"), held.var(DROPS), held.toString());
                assertEquals(new NetSnmp.Var("Counter64", "10"), held.var(MARKS));

                // duplication off: the data path reports 0, the objects stay
                latency = status(5_000_000_100L, false, 0, 0, 0, "SAME");
                Thread.sleep(600);
                NetSnmp.Result gone = snmp.v3("snmpget", DUP_ON, COPIES, DELIVERED, PACKETS, ISP);
                assertEquals(new NetSnmp.Var("INTEGER", "2"), gone.var(DUP_ON), gone.toString());
                assertEquals(new NetSnmp.Var("Counter64", "1000"), gone.var(COPIES));
                assertEquals(new NetSnmp.Var("Counter64", "480"), gone.var(DELIVERED));
                assertEquals(new NetSnmp.Var("Counter64", "5000000100"), gone.var(PACKETS));
                assertEquals(new NetSnmp.Var("INTEGER", "3"), gone.var(ISP), "same(3): " + gone);

                // on again, its counters from 0: added on top
                latency = status(5_000_000_200L, true, 60, 30, 25, "SAME");
                Thread.sleep(600);
                NetSnmp.Result again = snmp.v3("snmpget", COPIES, DELIVERED, DROPPED);
                assertEquals(new NetSnmp.Var("Counter64", "1060"), again.var(COPIES), again.toString());
                assertEquals(new NetSnmp.Var("Counter64", "510"), again.var(DELIVERED));
                assertEquals(new NetSnmp.Var("Counter64", "495"), again.var(DROPPED));
                // enforcement began again: the kernel's 6 and 0 added to 100 and 10
                NetSnmp.Result held2 = snmp.v3("snmpget", DROPS, MARKS);
                assertEquals(new NetSnmp.Var("Counter64", "106"), held2.var(DROPS), held2.toString());
                assertEquals(new NetSnmp.Var("Counter64", "10"), held2.var(MARKS));

                // the walk of the cooperation subtree holds the twelve objects, read-only
                NetSnmp.Result walk = snmp.v3("snmpwalk", CoopwanMib.COOPWAN_COOPERATION.toDottedString());
                assertEquals(0, walk.exit(), walk.toString());
                for (String o : List.of(SESSIONS, PACKETS, CURRENT, DUP_ON, COPIES, DELIVERED, DROPPED, SUPP, CEILING, ISP, DROPS,
                        MARKS)) {
                    walk.var(o);
                }
                NetSnmp.Result set = snmp.v3("snmpset", CEILING, "i", "5");
                assertTrue(set.exit() != 0, "read-only: " + set);
                assertEquals(new NetSnmp.Var("INTEGER", "10"), snmp.v3("snmpget", CEILING).var(CEILING), "unchanged");
            }
        }
    }
}
