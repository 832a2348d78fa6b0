/**
 * The byte level of the control socket, shared by server and client: newline-delimited framing
 * with a hard line limit ({@link net.coopwan.luci.wire.LineReader}, {@link net.coopwan.luci.wire.Lines}),
 * and opening and checking unix socket paths through jnr-unixsocket ({@link net.coopwan.luci.wire.UnixSockets}).
 */
package net.coopwan.luci.wire;
