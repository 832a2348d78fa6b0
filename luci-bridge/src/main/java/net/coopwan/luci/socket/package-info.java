/**
 * The control socket front-end: {@link net.coopwan.luci.socket.ControlSocketFrontEnd} (the
 * {@link net.coopwan.daemon.frontend.FrontEnd} the daemon finds with ServiceLoader), the socket
 * file's life ({@link net.coopwan.luci.socket.SocketFile}: parent directory, stale or live socket,
 * mode 0600, removal), and the threads that serve it ({@link net.coopwan.luci.socket.SocketServer},
 * {@link net.coopwan.luci.socket.Connection}) within {@link net.coopwan.luci.socket.SocketLimits}.
 */
package net.coopwan.luci.socket;
