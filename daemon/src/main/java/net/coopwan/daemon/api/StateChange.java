package net.coopwan.daemon.api;

import java.time.Instant;

/**
 * A change of the daemon's state that front-ends may act on (an SNMP notification, a pushed page
 * update) without parsing event-log text. Delivered through {@link ControlApi#subscribe}.
 *
 * <p>More kinds will follow (emergency started/ended, agreements); a {@code switch} over this
 * sealed type then fails to compile until it handles them, or has a {@code default}.
 */
public sealed interface StateChange permits UplinkStateChanged, PeerChannelChanged, AgreementChanged, EmergencyChanged {

    /** When the daemon saw the change. */
    Instant at();
}
