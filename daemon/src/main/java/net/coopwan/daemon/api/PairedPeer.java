package net.coopwan.daemon.api;

import java.time.Instant;

/**
 * A router this one is paired with, and the secure channel to it (seed 001 [0119]-[0123]).
 *
 * @param peerId       its router id
 * @param address      where it was last heard (IPv4 on the peer link)
 * @param state        {@code ESTABLISHED} or {@code CONNECTING}
 * @param transport    what the channel's datagrams to the peer go over now: {@code udp}, or {@code tcp} (the
 *                     UDP-over-TCP fallback after {@code peer.tcp_fallback_s} without replies over UDP)
 * @param since        when the channel entered that state
 * @param role         {@code initiator} (this router opens sessions: its id is lower) or {@code responder}
 * @param sessionId    the current session's id, 8 hex digits, or null
 * @param lastHeard    when the last authenticated packet came, or null
 * @param pairedAt     when the pairing was made
 * @param handshakeMs  the last handshake's duration on the initiator (init sent to keys ready), or null
 * @param sentBytes    channel bytes sent (UDP payload)
 * @param sentPackets  channel datagrams sent
 * @param receivedBytes   authenticated channel bytes received
 * @param receivedPackets authenticated channel datagrams received
 * @param establishments  sessions established since the daemon started
 * @param reason       why the channel is in its state
 */
public record PairedPeer(String peerId, String address, String state, String transport, Instant since, String role, String sessionId, Instant lastHeard,
                         Instant pairedAt, Double handshakeMs, long sentBytes, long sentPackets, long receivedBytes,
                         long receivedPackets, long establishments, String reason) {
}
