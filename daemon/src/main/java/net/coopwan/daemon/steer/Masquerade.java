package net.coopwan.daemon.steer;

/**
 * Rewrite the source of packets leaving {@code outInterface} to that interface's address
 * (source NAT to whatever address it has now, which is what a DHCP or PPP uplink needs).
 *
 * @param outInterface the interface packets leave through (validated by {@link InterfaceNames})
 * @param sourceCidr   only packets from this network (host bits zero), or null for any source
 */
public record Masquerade(String outInterface, String sourceCidr) {

    public Masquerade {
        InterfaceNames.require(outInterface);
        if (sourceCidr != null) {
            Ipv4Cidr c = Ipv4Cidr.parse(sourceCidr);
            if (!c.isNetwork()) {
                throw new IllegalArgumentException("masquerade source " + c + " has host bits set; give the network");
            }
            sourceCidr = c.toString();
        }
    }
}
