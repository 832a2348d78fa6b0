package net.coopwan.config;

/**
 * {@code config concentrator 'concentrator'}: the far end of the routers' bonds, used when
 * {@code option role 'concentrator'} is set in {@code config global}.
 *
 * @param listen       address the UDP socket binds
 * @param port         UDP port the routers' tunnels reach
 * @param device       name of the TUN interface that carries the clients' traffic
 * @param address      IPv4 address of that interface inside the tunnel network
 * @param prefixLength prefix length of the tunnel network, 1-30; every client's address lies in it
 * @param wanDevice    interface the clients' traffic is masqueraded out of, or "" for any
 *                     interface except {@code device}
 */
public record Concentrator(String listen, int port, String device, String address, int prefixLength, String wanDevice) {
}
