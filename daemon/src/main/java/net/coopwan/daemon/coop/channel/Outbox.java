package net.coopwan.daemon.coop.channel;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Where the state machines put datagrams: the socket in the daemon, a list in tests. */
@FunctionalInterface
public interface Outbox {
    /** Sends the bytes from position to limit of {@code datagram} (the callee may not keep it). */
    void send(ByteBuffer datagram, InetSocketAddress to);
}
