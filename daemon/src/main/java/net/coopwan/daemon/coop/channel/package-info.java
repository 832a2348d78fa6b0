/**
 * The secure channel between two cooperating routers on the peer link (seed 001 [0119]-[0123],
 * capability 5): pairing by code over UDP ({@link net.coopwan.daemon.coop.channel.PairingExchange}),
 * the per-peer session with its handshake, sealed keep-alives and re-establishment
 * ({@link net.coopwan.daemon.coop.channel.PeerChannel}), the message framing
 * ({@link net.coopwan.daemon.coop.channel.ChannelHeader}) and the socket, threads and store
 * around them ({@link net.coopwan.daemon.coop.channel.ChannelService}), and the UDP-over-TCP
 * fallback ({@link net.coopwan.daemon.coop.channel.TcpFallback} decides,
 * {@link net.coopwan.daemon.coop.channel.TcpTransport} carries,
 * {@link net.coopwan.daemon.coop.channel.StreamFraming} frames). The cryptography is
 * {@code net.coopwan.daemon.secure}; wire format, timers and states are docs/PROTOCOL.md 3.9 and 3.10.
 */
package net.coopwan.daemon.coop.channel;
