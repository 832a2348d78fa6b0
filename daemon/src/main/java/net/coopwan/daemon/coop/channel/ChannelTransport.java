package net.coopwan.daemon.coop.channel;

import java.util.Locale;

/** What carries the channel's datagrams to one peer: UDP on the peer port, or the TCP fallback on the same number. */
public enum ChannelTransport {
    UDP,
    /** One TCP connection per peer, each datagram behind a 2-byte length ({@link StreamFraming}). */
    TCP;

    /** As status and logs show it: {@code udp} or {@code tcp}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
