package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The secure channel to a paired peer changed state, e.g. coop-1a2b... CONNECTING -> ESTABLISHED.
 * Not sent for a channel's first state (a peer added at start or by a new pairing starts
 * CONNECTING); a change and its reversal within one 50 ms tick of the channel service may be seen
 * as no change.
 *
 * @param peerId  the peer's router id, as {@link PairedPeer#peerId()}
 * @param address where it was last heard (IPv4 on the peer link)
 * @param from    the state before, {@code ESTABLISHED} or {@code CONNECTING} as {@link PairedPeer#state()}
 * @param to      the state now
 * @param reason  why, as {@link PairedPeer#reason()}: "nothing authenticated for 5 s", "peer's keys confirmed"
 * @param at      when the channel service saw it
 */
public record PeerChannelChanged(String peerId, String address, String from, String to, String reason, Instant at)
        implements StateChange {

    public PeerChannelChanged {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(at, "at");
    }
}
