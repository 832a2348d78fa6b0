package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;

/** Puts one sealed datagram on member link {@code link}; false when it could not (counted by the caller). */
@FunctionalInterface
interface LinkSender {
    boolean send(int link, ByteBuffer datagram);
}
