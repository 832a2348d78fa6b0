package net.coopwan.daemon.coop.channel;

/**
 * Why the TCP fallback closed a connection or refused one (PROTOCOL.md 3.10). Counted per
 * service beside the datagram drops ({@code TunnelDrop}); a datagram read from a connection that
 * fails the usual checks is counted under its {@code TunnelDrop} reason as well.
 */
public enum StreamDrop {
    /** A length prefix above {@link ChannelHeader#MAX_DATAGRAM}: not our framing; closed. */
    TCP_FRAME_TOO_LONG,
    /** A length prefix below {@link ChannelHeader#LENGTH}: not our framing; closed. */
    TCP_FRAME_TOO_SHORT,
    /** 3 ({@code TcpTransport.MAX_STRIKES}) frames in a row that verified nothing; closed. */
    TCP_UNVERIFIED,
    /** A pairing kind over TCP: pairing runs over UDP only (one strike). */
    TCP_PAIRING_KIND,
    /** An accepted connection while 4 ({@code TcpTransport.MAX_PENDING}) were already waiting to prove a peer; closed at once. */
    TCP_TOO_MANY,
    /** An accepted connection that proved no peer within its deadline; closed. */
    TCP_PENDING_TIMEOUT,
    /** A frame begun and not finished within its deadline (a slow sender); closed. */
    TCP_SLOW_FRAME,
    /** No frame for the idle time; closed. */
    TCP_IDLE,
    /** The connection's send queue was full (the peer does not read); closed. */
    TCP_QUEUE_FULL,
    /** The initiator's connect to the peer failed (refused, unreachable, timed out). */
    TCP_CONNECT_FAILED
}
