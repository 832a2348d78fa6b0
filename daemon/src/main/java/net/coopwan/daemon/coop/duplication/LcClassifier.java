package net.coopwan.daemon.coop.duplication;

import java.nio.ByteBuffer;

/**
 * The seam between classification and duplication: which inner packets belong to an LC session
 * and how they go. The router's implementation is classification's ({@code coop.latency}, from
 * the kernel's LC mark and the agreement); the concentrator's is {@code datapath.ReplyRoutes},
 * learned from the copies it receives. Called on the data path's sending thread, per packet.
 */
@FunctionalInterface
public interface LcClassifier {
    /**
     * The route of the inner packet of {@code length} bytes at {@code at}, or null when it is not
     * latency-critical (it then takes the bond's normal path).
     */
    LcRoute route(ByteBuffer packet, int at, int length, long nowNanos);
}
