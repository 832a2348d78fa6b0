package net.coopwan.config;

/**
 * {@code config peer 'peer'}: the inter-router link to a cooperating neighbour.
 *
 * @param enabled       whether discovery and cooperation run at all
 * @param device        kernel interface facing the neighbour
 * @param port          UDP port for adverts and the secure channel (the TCP fallback listens on the same number)
 * @param tcpFallbackS  seconds without an authenticated reply over UDP after which the secure channel's
 *                      initiator carries the channel over TCP instead ({@value #TCP_FALLBACK_MIN_S}-{@value #TCP_FALLBACK_MAX_S})
 * @param shareInfo     whether a paired neighbour that asks for this router's additional information
 *                      (uplinks, their configured rates and traffic, docs/PROTOCOL.md 3.11) gets it; when
 *                      off it gets a refusal with the reason. Default on: only paired routers can ask,
 *                      and a neighbour deciding whether to cooperate needs the figures ([0102])
 */
public record PeerLink(boolean enabled, String device, int port, int tcpFallbackS, boolean shareInfo) {
    public static final int TCP_FALLBACK_MIN_S = 1;
    public static final int TCP_FALLBACK_MAX_S = 30;
    /**
     * Three missed keep-alives (one per second): a lone lost datagram or two never switch, and
     * the switch happens before the channel's 5 s death time, so the session survives a UDP
     * block without a new handshake.
     */
    public static final int TCP_FALLBACK_DEFAULT_S = 3;

    public PeerLink {
        if (tcpFallbackS < TCP_FALLBACK_MIN_S || tcpFallbackS > TCP_FALLBACK_MAX_S) {
            throw new IllegalArgumentException("tcpFallbackS must be " + TCP_FALLBACK_MIN_S + "-" + TCP_FALLBACK_MAX_S
                    + ", got " + tcpFallbackS);
        }
    }

    /** Sharing the additional information (the default). */
    public PeerLink(boolean enabled, String device, int port, int tcpFallbackS) {
        this(enabled, device, port, tcpFallbackS, true);
    }

    /** With the default fallback time. */
    public PeerLink(boolean enabled, String device, int port) {
        this(enabled, device, port, TCP_FALLBACK_DEFAULT_S);
    }
}
