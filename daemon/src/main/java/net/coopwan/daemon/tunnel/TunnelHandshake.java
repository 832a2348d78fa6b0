package net.coopwan.daemon.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import net.coopwan.daemon.secure.Hkdf;
import net.coopwan.daemon.secure.KeyExchangeException;
import net.coopwan.daemon.secure.SessionKeys;

/**
 * The handshake that turns a bond's pre-shared key into fresh session keys, one round trip:
 *
 * <pre>
 * router (initiator)                                     concentrator (responder)
 *   INIT:     header(type 1, tunnel 0, pn = init id)
 *             | len | client id | e_i (32) | mac (16)  --->
 *                                                        <--- RESPONSE: header(type 2, tunnel = key id,
 *                                                                       pn = init id) | e_r (32) | mac (16)
 * keys = SessionKeys.derive(X25519(e_i, e_r), ids = client id / "concentrator", secret = PSK)
 * mac  = HMAC-SHA256(HKDF(salt "coopwan/1 tunnel mac", PSK, "client " + client id), header | body)[0..16)
 * </pre>
 *
 * Why not use the pre-shared key directly: packet numbers start at 0 in every process, so a
 * restart would reuse (key, nonce) pairs, which breaks ChaCha20-Poly1305; ephemeral keys per
 * session also give forward secrecy. The MAC lets the responder drop forged inits before the
 * X25519 work; the echoed init id binds a response to the one init it answers, so an old
 * response replayed later is refused. A replayed init only makes the concentrator derive keys
 * nobody else has: a session becomes current only when the router's first sealed packet under
 * it verifies (key confirmation, see the concentrator).
 */
public final class TunnelHandshake {
    public static final String RESPONDER_ID = "concentrator";
    public static final int PSK_LEN = 32;
    static final int MAC_LEN = 16;
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private TunnelHandshake() {
    }

    /** True when {@code id} is a valid client id (1-32 of A-Z a-z 0-9 _ -). */
    public static boolean validClientId(String id) {
        return id != null && CLIENT_ID.matcher(id).matches();
    }

    static byte[] macKey(byte[] psk, String clientId) {
        return Hkdf.derive("coopwan/1 tunnel mac".getBytes(StandardCharsets.US_ASCII), psk,
                ("client " + clientId).getBytes(StandardCharsets.US_ASCII), 32);
    }

    static byte[] mac(byte[] macKey, ByteBuffer b, int from, int to) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(macKey, "HmacSHA256"));
            ByteBuffer v = b.duplicate();
            v.limit(to).position(from);
            m.update(v);
            return Arrays.copyOf(m.doFinal(), MAC_LEN);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    static boolean macMatches(byte[] macKey, ByteBuffer b, int end) {
        byte[] expected = mac(macKey, b, 0, end - MAC_LEN);
        byte[] got = new byte[MAC_LEN];
        b.get(end - MAC_LEN, got);
        return MessageDigest.isEqual(expected, got);
    }

    /** The router's side: one attempt at a time; every attempt uses a new ephemeral and id. */
    public static final class Initiator {
        private final String clientId;
        private final byte[] psk;
        private final byte[] macKey;
        private final SecureRandom random;
        private SessionKeys.Ephemeral ephemeral;
        private long initId;

        public Initiator(String clientId, byte[] psk, SecureRandom random) {
            if (!validClientId(clientId)) {
                throw new IllegalArgumentException("client id must be 1-32 of A-Z a-z 0-9 _ -: '" + clientId + "'");
            }
            if (psk == null || psk.length != PSK_LEN) {
                throw new IllegalArgumentException("the pre-shared key must be " + PSK_LEN + " bytes");
            }
            this.clientId = clientId;
            this.psk = psk.clone();
            this.macKey = macKey(this.psk, clientId);
            this.random = random;
        }

        /**
         * Starts a new attempt: a new ephemeral key and init id; responses to earlier attempts
         * are refused from now on.
         */
        public synchronized void newAttempt() {
            ephemeral = SessionKeys.Ephemeral.generate(random);
            initId = random.nextLong();
        }

        /**
         * Writes the current attempt's INIT for {@code link} into {@code f} (sets its length),
         * starting an attempt if none is in flight. The same attempt may go out on every link:
         * the first response that verifies wins.
         */
        public synchronized void writeInit(Frame f, int link, int sendMicros) {
            if (ephemeral == null) {
                newAttempt();
            }
            ByteBuffer b = f.buffer();
            TunnelHeader.write(b, 0, PacketType.HANDSHAKE_INIT, link, 0, initId, TunnelHeader.NO_BUCKET, 0, sendMicros);
            byte[] id = clientId.getBytes(StandardCharsets.US_ASCII);
            int p = TunnelHeader.LENGTH;
            b.put(p++, (byte) id.length);
            b.put(p, id);
            p += id.length;
            b.put(p, ephemeral.publicKey());
            p += SessionKeys.PUBLIC_KEY_LEN;
            b.put(p, mac(macKey, b, 0, p));
            f.length(p + MAC_LEN);
        }

        /**
         * Checks a RESPONSE held in {@code f} against the attempt in flight. Returns the session
         * keys, or null with the reason in {@code drops} counted.
         */
        public synchronized SessionKeys onResponse(Frame f, DropCounters drops) {
            ByteBuffer b = f.buffer();
            int len = f.length();
            if (len != TunnelHeader.LENGTH + SessionKeys.PUBLIC_KEY_LEN + MAC_LEN) {
                drops.count(len < TunnelHeader.LENGTH + SessionKeys.PUBLIC_KEY_LEN + MAC_LEN
                        ? TunnelDrop.TRUNCATED : TunnelDrop.TOO_LARGE);
                return null;
            }
            if (!macMatches(macKey, b, len)) {
                drops.count(TunnelDrop.HANDSHAKE_BAD_MAC);
                return null;
            }
            if (ephemeral == null || TunnelHeader.packetNumber(b, 0) != initId) {
                drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                return null;
            }
            byte[] peer = new byte[SessionKeys.PUBLIC_KEY_LEN];
            b.get(TunnelHeader.LENGTH, peer);
            try {
                SessionKeys keys = SessionKeys.derive(SessionKeys.Role.INITIATOR, ephemeral, peer, clientId, RESPONDER_ID, psk);
                if (keys.keyId() != TunnelHeader.tunnelId(b, 0)) {
                    // both sides derive the id; a mismatch means a bug or a forged key id
                    drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                    return null;
                }
                ephemeral = null; // one response per attempt
                return keys;
            } catch (KeyExchangeException e) {
                drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                return null;
            }
        }
    }

    /** What the responder made of an INIT: the client, its new keys, and the RESPONSE to send. */
    public record Accepted(String clientId, SessionKeys keys) {
    }

    /** The concentrator's side: stateless per init; the caller rate-limits per client. */
    public static final class Responder {
        private final Function<String, byte[]> pskOf;
        private final SecureRandom random;

        /** @param pskOf the pre-shared key of a client id, or null for an unknown client */
        public Responder(Function<String, byte[]> pskOf, SecureRandom random) {
            this.pskOf = pskOf;
            this.random = random;
        }

        /** The client id an INIT in {@code f} claims, or null if the body is malformed. */
        public static String claimedClient(Frame f) {
            ByteBuffer b = f.buffer();
            int len = f.length();
            if (len < TunnelHeader.LENGTH + 1) {
                return null;
            }
            int idLen = b.get(TunnelHeader.LENGTH) & 0xff;
            if (idLen < 1 || idLen > 32 || len != TunnelHeader.LENGTH + 1 + idLen + SessionKeys.PUBLIC_KEY_LEN + MAC_LEN) {
                return null;
            }
            byte[] id = new byte[idLen];
            b.get(TunnelHeader.LENGTH + 1, id);
            String s = new String(id, StandardCharsets.US_ASCII);
            return validClientId(s) ? s : null;
        }

        /**
         * Verifies the INIT in {@code f} and, if good, overwrites {@code f} with the RESPONSE to
         * send back (same link). Returns null, with the reason counted, for a bad init.
         */
        public Accepted accept(Frame f, DropCounters drops) {
            String client = claimedClient(f);
            if (client == null) {
                drops.count(TunnelDrop.TRUNCATED);
                return null;
            }
            byte[] psk = pskOf.apply(client);
            if (psk == null) {
                drops.count(TunnelDrop.HANDSHAKE_UNKNOWN_CLIENT);
                return null;
            }
            byte[] macKey = macKey(psk, client);
            ByteBuffer b = f.buffer();
            if (!macMatches(macKey, b, f.length())) {
                drops.count(TunnelDrop.HANDSHAKE_BAD_MAC);
                return null;
            }
            byte[] peer = new byte[SessionKeys.PUBLIC_KEY_LEN];
            b.get(TunnelHeader.LENGTH + 1 + client.length(), peer);
            SessionKeys.Ephemeral own = SessionKeys.Ephemeral.generate(random);
            SessionKeys keys;
            try {
                keys = SessionKeys.derive(SessionKeys.Role.RESPONDER, own, peer, client, RESPONDER_ID, psk);
            } catch (KeyExchangeException e) {
                drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                return null;
            }
            int link = TunnelHeader.link(b, 0);
            long initId = TunnelHeader.packetNumber(b, 0);
            int micros = TunnelHeader.sendMicros(b, 0);
            TunnelHeader.write(b, 0, PacketType.HANDSHAKE_RESPONSE, link, keys.keyId(), initId, TunnelHeader.NO_BUCKET, 0, micros);
            int p = TunnelHeader.LENGTH;
            b.put(p, own.publicKey());
            p += SessionKeys.PUBLIC_KEY_LEN;
            b.put(p, mac(macKey, b, 0, p));
            f.length(p + MAC_LEN);
            return new Accepted(client, keys);
        }
    }
}
