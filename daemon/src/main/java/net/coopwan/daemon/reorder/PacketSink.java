package net.coopwan.daemon.reorder;

import java.nio.ByteBuffer;

/**
 * Where {@link ReorderBuffer} hands packets in delivery order (normally: the write to the bond's
 * TUN device). The buffer's bytes from position to limit are the packet. It is only valid during
 * the call: a held packet's buffer is a pool slot that is reused afterwards, so the sink must copy
 * or write it out before returning, and must not call back into the ReorderBuffer.
 */
@FunctionalInterface
public interface PacketSink {
    void deliver(ByteBuffer packet);
}
