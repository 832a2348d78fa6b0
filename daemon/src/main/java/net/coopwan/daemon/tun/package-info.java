/**
 * TUN interfaces: {@link net.coopwan.daemon.tun.TunDevices} is the narrow OS interface (open a
 * named layer-3 TUN, set its MTU, bring it up, read and write one packet per call, close = the
 * interface goes away); {@link net.coopwan.daemon.tun.LinuxTunDevices} is the real one, through
 * {@code /dev/net/tun}, {@code ioctl(TUNSETIFF)} and interface ioctls on a datagram socket, called
 * with jnr-ffi. jnr-ffi is loaded on the first open, so a daemon without bonds never pays for it.
 */
package net.coopwan.daemon.tun;
