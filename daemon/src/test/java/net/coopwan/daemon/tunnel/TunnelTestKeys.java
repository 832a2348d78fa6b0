package net.coopwan.daemon.tunnel;

import java.security.SecureRandom;

import net.coopwan.daemon.secure.SessionKeys;

/** A completed handshake between one initiator and one responder, for the tunnel tests. */
final class TunnelTestKeys {
    static final byte[] PSK = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            PSK[i] = (byte) i;
        }
    }

    final SessionKeys router;
    final SessionKeys concentrator;

    private TunnelTestKeys(SessionKeys router, SessionKeys concentrator) {
        this.router = router;
        this.concentrator = concentrator;
    }

    static TunnelTestKeys handshake(long seed) {
        SecureRandom r = new SecureRandom();
        r.setSeed(seed);
        TunnelHandshake.Initiator i = new TunnelHandshake.Initiator("home1", PSK, r);
        TunnelHandshake.Responder resp = new TunnelHandshake.Responder(id -> id.equals("home1") ? PSK : null, r);
        DropCounters drops = new DropCounters();
        Frame f = new Frame();
        i.writeInit(f, 0, 1);
        TunnelHandshake.Accepted a = resp.accept(f, drops);
        SessionKeys k = i.onResponse(f, drops);
        if (a == null || k == null) {
            throw new AssertionError("handshake failed: " + drops.snapshot());
        }
        return new TunnelTestKeys(k, a.keys());
    }
}
