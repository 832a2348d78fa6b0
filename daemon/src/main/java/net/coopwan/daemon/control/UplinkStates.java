package net.coopwan.daemon.control;

import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.LinkMeasurement;
import net.coopwan.daemon.api.UplinkStatus;

/** Derives an uplink's state from its config and its kernel device; the one place this rule lives. */
public final class UplinkStates {

    private UplinkStates() {
    }

    public static UplinkStatus of(Uplink u, NetInterface dev) {
        return of(u, dev, null);
    }

    public static UplinkStatus of(Uplink u, NetInterface dev, LinkMeasurement tunnel) {
        UplinkStatus.State state;
        if (!u.enabled()) {
            state = UplinkStatus.State.DISABLED;
        } else if (dev == null) {
            state = UplinkStatus.State.MISSING;
        } else {
            state = dev.operUp() ? UplinkStatus.State.UP : UplinkStatus.State.DOWN;
        }
        return new UplinkStatus(u.name(), u.device(), u.enabled(), state, dev, tunnel);
    }
}
