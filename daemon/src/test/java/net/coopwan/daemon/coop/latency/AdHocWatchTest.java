package net.coopwan.daemon.coop.latency;

import static net.coopwan.daemon.coop.latency.LatencyPolicyTest.HOST;
import static net.coopwan.daemon.coop.latency.LatencyPolicyTest.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.steer.ConntrackUdpFlow;
import net.coopwan.daemon.steer.Ipv4Cidr;
import net.coopwan.daemon.steer.SteerMarks;

/** Which of conntrack's UDP connections the ad hoc rule looks at. */
class AdHocWatchTest {

    @Test
    void onlyLanHostsFlowsNotYetLcAreCandidates() {
        ConntrackUdpFlow fromLan = new ConntrackUdpFlow(HOST, 40000, SERVER, 7777, 10, 1000, 10, 1000, 0);
        ConntrackUdpFlow fromLanOtherBits = new ConntrackUdpFlow(HOST, 40001, SERVER, 7777, 10, 1000, 10, 1000,
                SteerMarks.SHARED);
        ConntrackUdpFlow alreadyLc = new ConntrackUdpFlow(HOST, 40002, SERVER, 7777, 10, 1000, 10, 1000,
                SteerMarks.LATENCY_CRITICAL);
        ConntrackUdpFlow routersOwn = new ConntrackUdpFlow(Ipv4Cidr.toInt(Ipv4Cidr.parseAddress("198.18.81.1")), 4790,
                SERVER, 4790, 10, 1000, 10, 1000, 0);
        assertEquals(List.of(fromLan, fromLanOtherBits), AdHocWatch.candidates(
                List.of(fromLan, fromLanOtherBits, alreadyLc, routersOwn), List.of(Ipv4Cidr.parse("100.64.80.0/24"))));
        assertEquals(new Flow(net.coopwan.config.Latency.Protocol.UDP, HOST, 40000, SERVER, 7777), AdHocWatch.flow(fromLan));
    }
}
