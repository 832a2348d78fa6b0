package net.coopwan.config;

/**
 * The far end of a bond ({@code option concentrator} and its companions in {@code config bond}):
 * one tunnel per member uplink, all to one concentrator, which knows this router by
 * {@code clientId} and its key.
 *
 * @param concentratorHost IPv4 or IPv6 literal of the concentrator, without brackets
 * @param concentratorPort its UDP port
 * @param clientId         how the concentrator knows this router: the name of a
 *                         {@code config client} section there, 1-32 of A-Z a-z 0-9 _
 * @param key              pre-shared key, standard base64 of 32 bytes, see {@link TunnelKey};
 *                         {@link #keyBytes()} decodes it
 * @param address          IPv4 address of the bond interface inside the tunnel
 * @param prefixLength     prefix length of the tunnel network, 1-30
 */
public record BondTunnel(String concentratorHost, int concentratorPort, String clientId, String key, String address,
        int prefixLength) {

    public BondTunnel {
        // Checked here as well as by the loader, so keyBytes() cannot fail later.
        TunnelKey.decode(key);
    }

    /** A fresh copy of the 32 key bytes. */
    public byte[] keyBytes() {
        return TunnelKey.decode(key);
    }

    /** The key stays out: configs get logged. */
    @Override
    public String toString() {
        return "BondTunnel[concentratorHost=" + concentratorHost + ", concentratorPort=" + concentratorPort
                + ", clientId=" + clientId + ", key=" + TunnelKey.redacted(key) + ", address=" + address
                + ", prefixLength=" + prefixLength + "]";
    }
}
