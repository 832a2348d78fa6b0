package net.coopwan.daemon.coop.channel;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A layer above the channel for one sealed kind, e.g. {@link ChannelHeader.Kind#COOP_MESSAGE}s (the cooperation
 * negotiation). Called by {@link ChannelService} under its lock, from its receive thread and its
 * 50 ms timer: implementations must not block for long and must not call the service from other
 * threads while holding their own lock (the lock order is service, then this).
 */
public interface SealedMessages {

    /** Sends a plaintext sealed as a datagram of this layer's kind to a paired peer; false without an ESTABLISHED session. */
    @FunctionalInterface
    interface Sender {
        boolean send(String peerId, ByteBuffer plaintext);
    }

    /** An authenticated, not replayed datagram of this layer's kind from {@code peerId}; {@code plaintext} is valid during the call. */
    void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender);

    /** The service's timer tick: resends. */
    void tick(long now, Sender sender);

    /** Counters to show beside the channel's drops (name to count), e.g. malformed messages. */
    default Map<String, Long> counters() {
        return Map.of();
    }
}
