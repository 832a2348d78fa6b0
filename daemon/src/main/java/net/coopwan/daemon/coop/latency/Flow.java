package net.coopwan.daemon.coop.latency;

import net.coopwan.config.Latency;
import net.coopwan.daemon.steer.Ipv4Cidr;

/**
 * A session's key as its first packet from the LAN shows it ([0243]: UDP sessions are keyed by
 * their 4-tuple; with the protocol, a 5-tuple). Addresses are IPv4 as ints.
 */
public record Flow(Latency.Protocol protocol, int source, int sourcePort, int destination, int destinationPort) {

    public Flow {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol is null");
        }
        if (sourcePort < 1 || sourcePort > 65535 || destinationPort < 1 || destinationPort > 65535) {
            throw new IllegalArgumentException("ports are 1-65535: " + sourcePort + ", " + destinationPort);
        }
    }

    /** The remote end, what [0237] learns. */
    public Destination target() {
        return new Destination(destination, destinationPort);
    }

    @Override
    public String toString() {
        return protocol.uciName() + " " + Ipv4Cidr.format(source) + ":" + sourcePort + " > "
                + Ipv4Cidr.format(destination) + ":" + destinationPort;
    }

    /** (target_IP, target_port) of [0237]. */
    public record Destination(int address, int port) {
        public Destination {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port is 1-65535: " + port);
            }
        }

        @Override
        public String toString() {
            return Ipv4Cidr.format(address) + ":" + port;
        }
    }
}
