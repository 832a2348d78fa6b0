package net.coopwan.config;

/**
 * {@code config client 'NAME'} on a concentrator: one router allowed to bring up bonded tunnels.
 *
 * @param name    the router's {@link BondTunnel#clientId()}
 * @param key     pre-shared key, standard base64 of 32 bytes, see {@link TunnelKey}; the same
 *                text as the router's {@code option key}
 * @param address the router's bond address inside the tunnel network (no prefix: the
 *                concentrator's prefix applies)
 */
public record TunnelClient(String name, String key, String address) {

    /** A fresh copy of the 32 key bytes. */
    public byte[] keyBytes() {
        return TunnelKey.decode(key);
    }

    /** The key stays out: configs get logged. */
    @Override
    public String toString() {
        return "TunnelClient[name=" + name + ", key=" + TunnelKey.redacted(key) + ", address=" + address + "]";
    }
}
