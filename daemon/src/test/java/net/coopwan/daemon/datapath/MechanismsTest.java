package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.config.DataPlane;
import net.coopwan.daemon.measure.InbandCapacity;

/** {@code list disable} reaches each mechanism's own switch; nothing disabled is every mechanism on. */
class MechanismsTest {

    @Test
    void eachDisabledNameTurnsOffItsMechanismOnly() {
        DataPlane d = DataPlane.defaults();
        assertEquals(Mechanisms.ALL_ON, Mechanisms.of(d));
        for (String m : DataPlane.MECHANISMS) {
            DataPlane off = new DataPlane(d.keepaliveMs(), d.deadAfterMs(), d.reorderWaitMs(), d.slopsPeriodSeconds(),
                    d.slopsPrecisionKbps(), d.slopsPackets(), d.slopsPacketBytes(), Set.of(m));
            Mechanisms got = Mechanisms.of(off);
            boolean[] flags = {got.adaptiveReorder(), got.inbandJitter(), got.lossRecovery()};
            for (int i = 0; i < flags.length; i++) {
                assertEquals(i != DataPlane.MECHANISMS.indexOf(m), flags[i], m + " off: flag " + i);
            }
        }
    }

    @Test
    void theEstimatorWithoutItsRealLinkRulesIsTheOneBeforeThem() {
        InbandCapacity.Config on = AdaptiveWeights.inbandConfig(true);
        InbandCapacity.Config off = AdaptiveWeights.inbandConfig(false);
        assertEquals(InbandCapacity.Config.DEFAULT, on);
        assertTrue(on.jitterAware() && on.minLoadBps() > 0);
        assertFalse(off.jitterAware());
        assertEquals(0, off.minLoadShare());
        assertEquals(0, off.minLoadBps());
        assertEquals(on.saturatedQueueNanos(), off.saturatedQueueNanos());
    }
}
