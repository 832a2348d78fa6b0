/**
 * The tunnel protocol v1 between a router's bond and its concentrator: the one packet header
 * all packet kinds share ({@link net.coopwan.daemon.tunnel.TunnelHeader}), the handshake that
 * turns a pre-shared key into per-session keys ({@link net.coopwan.daemon.tunnel.TunnelHandshake}),
 * and the sealing and opening of packets per link ({@link net.coopwan.daemon.tunnel.TunnelSession}).
 *
 * <p>Codecs only: no sockets, no threads, no TUN. Bad input is never an exception here; it is a
 * {@link net.coopwan.daemon.tunnel.TunnelDrop} reason, counted by the caller. The byte layout
 * and every timer are in docs/PROTOCOL.md section 4.
 */
package net.coopwan.daemon.tunnel;
