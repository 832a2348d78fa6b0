package net.coopwan.daemon.coop.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * The IPv4 address, broadcast address and prefix of the inter-router interface, read from
 * {@link NetworkInterface}. Java has no SO_BINDTODEVICE; binding to these addresses is how the
 * beacon stays on {@code peer.device} (see {@link Discovery}).
 *
 * @param address   the interface's first IPv4 address that has a broadcast address
 * @param broadcast its subnet broadcast address
 * @param prefix    its prefix length
 */
public record PeerBinding(Inet4Address address, Inet4Address broadcast, int prefix) {

    /** Why a device cannot carry the beacon now; the message is the text shown to the owner. */
    public static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads {@code device} now. */
    public static PeerBinding resolve(String device) throws Unusable {
        NetworkInterface ni;
        try {
            ni = NetworkInterface.getByName(device);
            if (ni == null) {
                throw new Unusable("no interface " + device);
            }
            if (!ni.isUp()) {
                throw new Unusable(device + " is down");
            }
        } catch (SocketException e) {
            throw new Unusable("cannot read " + device + ": " + e.getMessage());
        }
        for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
            InetAddress a = ia.getAddress();
            InetAddress b = ia.getBroadcast();
            if (a instanceof Inet4Address a4 && b instanceof Inet4Address b4) {
                return new PeerBinding(a4, b4, ia.getNetworkPrefixLength());
            }
        }
        throw new Unusable(device + " has no IPv4 address with a broadcast address");
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix + " broadcast " + broadcast.getHostAddress();
    }
}
