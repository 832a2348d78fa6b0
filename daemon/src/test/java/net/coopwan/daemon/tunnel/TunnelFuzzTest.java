package net.coopwan.daemon.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.SecureRandom;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Random and mutated datagrams through every receive-side parser: the header check, the
 * session's open, the responder and the initiator. Nothing throws; nothing forged opens.
 */
class TunnelFuzzTest {

    @Test
    void randomAndMutatedDatagramsAreCountedDropsNeverExceptions() {
        TunnelTestKeys keys = TunnelTestKeys.handshake(3);
        TunnelSession conc = new TunnelSession(keys.concentrator);
        TunnelSession router = new TunnelSession(keys.router);
        TunnelHandshake.Responder responder =
                new TunnelHandshake.Responder(id -> id.equals("home1") ? TunnelTestKeys.PSK : null, new SecureRandom());
        TunnelHandshake.Initiator initiator = new TunnelHandshake.Initiator("home1", TunnelTestKeys.PSK, new SecureRandom());
        DropCounters drops = new DropCounters();
        Random rnd = new Random(20261124);

        Frame genuine = new Frame();
        genuine.payloadSpace().put(new byte[200]);
        router.seal(genuine, 200, 0, PacketType.DATA, 1, 1, 1);
        byte[] sealed = new byte[genuine.length()];
        genuine.buffer().get(0, sealed);
        Frame init = new Frame();
        initiator.writeInit(init, 0, 0);
        byte[] initBytes = new byte[init.length()];
        init.buffer().get(0, initBytes);

        int opened = 0;
        int accepted = 0;
        Frame f = new Frame();
        for (int n = 0; n < 20_000; n++) {
            byte[] d;
            switch (n % 3) {
                case 0 -> {
                    d = new byte[rnd.nextInt(120)];
                    rnd.nextBytes(d);
                    if (d.length > 1) {
                        d[0] = 1; // get past the version check half the time
                        d[1] = (byte) rnd.nextInt(11);
                    }
                }
                case 1 -> d = mutate(sealed, rnd);
                default -> d = mutate(initBytes, rnd);
            }
            f.receiveSpace().put(d);
            f.length(d.length);
            TunnelDrop pre = TunnelHeader.check(f.buffer(), 0, f.length());
            if (pre != null) {
                drops.count(pre);
                continue;
            }
            switch (TunnelHeader.type(f.buffer(), 0)) {
                case HANDSHAKE_INIT -> {
                    if (responder.accept(f, drops) != null) {
                        accepted++;
                    }
                }
                case HANDSHAKE_RESPONSE -> initiator.onResponse(f, drops);
                default -> {
                    if (TunnelHeader.tunnelId(f.buffer(), 0) != conc.tunnelId()) {
                        drops.count(TunnelDrop.UNKNOWN_TUNNEL);
                    } else {
                        TunnelDrop r = conc.open(f);
                        if (r == null) {
                            opened++;
                        } else {
                            drops.count(r);
                        }
                    }
                }
            }
        }
        // only an unmutated copy can open (once: later copies are replays) or be accepted
        assertEquals(true, opened <= 1, "opened " + opened);
        assertNotNull(drops.snapshot());
        assertEquals(true, drops.total() >= 20_000 - opened - accepted - 10);
    }

    private static byte[] mutate(byte[] src, Random rnd) {
        byte[] d;
        switch (rnd.nextInt(4)) {
            case 0 -> d = java.util.Arrays.copyOf(src, rnd.nextInt(src.length + 1)); // truncate
            case 1 -> {
                d = java.util.Arrays.copyOf(src, src.length + 1 + rnd.nextInt(40)); // extend
            }
            default -> {
                d = src.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    d[rnd.nextInt(d.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
        }
        return d;
    }
}
