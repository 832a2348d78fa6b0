package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class TunnelRoutesTest {
    private final RecordingCommandRunner os = new RecordingCommandRunner();
    private final TunnelRoutes tun = new TunnelRoutes(os, SteerRanges.DEFAULTS);

    @Test
    void commands() {
        tun.linkUp("cw-b0");
        tun.addAddress("cw-b0", "100.64.77.1/30");
        tun.routeVia("cw-b0", "198.18.0.0/15", TunnelRoutes.MAIN);
        tun.routeVia("cw-b0", "0.0.0.0/0", 3120);
        tun.removeRoute("cw-b0", "0.0.0.0/0", 3120);
        tun.removeAddress("cw-b0", "100.64.77.1/30");
        assertEquals(List.of(
                "ip link set dev cw-b0 up",
                "ip -4 addr replace 100.64.77.1/30 dev cw-b0",
                "ip -4 route replace 198.18.0.0/15 dev cw-b0",
                "ip -4 route replace 0.0.0.0/0 dev cw-b0 table 3120",
                "ip -4 route del 0.0.0.0/0 dev cw-b0 table 3120",
                "ip -4 addr del 100.64.77.1/30 dev cw-b0"), os.lines());
    }

    @Test
    void removingWhatIsAbsentIsSuccessButOtherFailuresAreNot() {
        os.answer("ip -4 route del 198.18.0.0/15 dev cw-b0", new CommandResult(2, "", "RTNETLINK answers: No such process\n"));
        tun.removeRoute("cw-b0", "198.18.0.0/15", 0);
        os.answer("ip -4 addr del 100.64.77.1/30 dev cw-b0", new CommandResult(2, "", "Error: ipv4: Address not found.\n"));
        tun.removeAddress("cw-b0", "100.64.77.1/30");
        os.answer("ip -4 route del 198.18.2.0/24 dev cw-b0", new CommandResult(2, "", "RTNETLINK answers: Operation not permitted\n"));
        assertThrows(SteerException.class, () -> tun.removeRoute("cw-b0", "198.18.2.0/24", 0));
    }

    @Test
    void netnsRunnerPrefixesEveryCommand() {
        new TunnelRoutes(new NetnsCommandRunner(os, "cws00aa11"), SteerRanges.DEFAULTS).linkUp("cw-b0");
        assertEquals(List.of("ip netns exec cws00aa11 ip link set dev cw-b0 up"), os.lines());
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> tun.routeVia("cw-b0", "198.18.0.1/15", 0));
        assertThrows(IllegalArgumentException.class, () -> tun.routeVia("cw-b0", "198.18.0.0/15", 254));
        assertThrows(IllegalArgumentException.class, () -> tun.addAddress("-h", "100.64.77.1/30"));
        assertThrows(IllegalArgumentException.class, () -> tun.addAddress("cw-b0", "100.64.77.1"));
        assertEquals(List.of(), os.lines());
    }
}
