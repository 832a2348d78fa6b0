package net.coopwan.daemon.coop.channel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import net.coopwan.daemon.secure.Hkdf;
import net.coopwan.daemon.secure.SessionKeys;

/**
 * Codec of the session handshake (PROTOCOL.md 3.9):
 *
 * <pre>
 * HELLO_INIT:  header(kind 4, session 0, pn = init id) | lp(initiator id) | lp(responder id) | e_i (32) | mac (16)
 * HELLO_REPLY: header(kind 5, session = key id, pn = init id) | lp(responder id) | e_r (32) | mac (16)
 * mac = HMAC-SHA256(HKDF(salt "coopwan/1 channel hello", IKM = channel secret, info sorted ids), header | body)[0..16)
 * </pre>
 *
 * The MAC lets a router drop a forged init with one HMAC instead of an X25519; the keys themselves
 * are authenticated by the channel secret inside {@link SessionKeys} anyway.
 */
final class ChannelHello {
    static final int MAC_LEN = 16;

    /** A parsed init or reply: ids, the peer's public key, the init id and the session id. */
    record Parsed(String fromId, String toId, byte[] publicKey, long initId, int sessionId) {
    }

    private ChannelHello() {
    }

    static byte[] macKey(byte[] channelSecret) {
        return Hkdf.derive("coopwan/1 channel hello".getBytes(StandardCharsets.US_ASCII), channelSecret,
                "hello".getBytes(StandardCharsets.US_ASCII), 32);
    }

    static int writeInit(ByteBuffer b, long initId, String initiator, String responder, byte[] pub, byte[] macKey) {
        ChannelHeader.write(b, ChannelHeader.Kind.HELLO_INIT, 0, initId);
        int p = ChannelHeader.LENGTH;
        p = putId(b, p, initiator);
        p = putId(b, p, responder);
        b.put(p, pub);
        p += SessionKeys.PUBLIC_KEY_LEN;
        b.put(p, mac(macKey, b, p));
        return p + MAC_LEN;
    }

    static int writeReply(ByteBuffer b, int keyId, long initId, String responder, byte[] pub, byte[] macKey) {
        ChannelHeader.write(b, ChannelHeader.Kind.HELLO_REPLY, keyId, initId);
        int p = ChannelHeader.LENGTH;
        p = putId(b, p, responder);
        b.put(p, pub);
        p += SessionKeys.PUBLIC_KEY_LEN;
        b.put(p, mac(macKey, b, p));
        return p + MAC_LEN;
    }

    /** Parses without checking the MAC (the caller needs the id to find the key). Null if malformed. */
    static Parsed parse(ByteBuffer b, int len) {
        ChannelHeader.Kind k = ChannelHeader.kind(b);
        int p = ChannelHeader.LENGTH;
        String from = getId(b, p, len);
        if (from == null) {
            return null;
        }
        p += 1 + from.getBytes(StandardCharsets.UTF_8).length;
        String to = null;
        if (k == ChannelHeader.Kind.HELLO_INIT) {
            to = getId(b, p, len);
            if (to == null) {
                return null;
            }
            p += 1 + to.getBytes(StandardCharsets.UTF_8).length;
        }
        if (len != p + SessionKeys.PUBLIC_KEY_LEN + MAC_LEN) {
            return null;
        }
        byte[] pub = new byte[SessionKeys.PUBLIC_KEY_LEN];
        b.get(p, pub);
        return new Parsed(from, to, pub, ChannelHeader.packetNumber(b), ChannelHeader.sessionId(b));
    }

    static boolean macMatches(byte[] macKey, ByteBuffer b, int len) {
        byte[] got = new byte[MAC_LEN];
        b.get(len - MAC_LEN, got);
        return MessageDigest.isEqual(mac(macKey, b, len - MAC_LEN), got);
    }

    private static byte[] mac(byte[] key, ByteBuffer b, int end) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            ByteBuffer v = b.duplicate();
            v.limit(end).position(0);
            m.update(v);
            return Arrays.copyOf(m.doFinal(), MAC_LEN);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    static int putId(ByteBuffer b, int p, String id) {
        byte[] raw = id.getBytes(StandardCharsets.UTF_8);
        b.put(p, (byte) raw.length);
        b.put(p + 1, raw);
        return p + 1 + raw.length;
    }

    static String getId(ByteBuffer b, int p, int len) {
        if (p >= len) {
            return null;
        }
        int n = b.get(p) & 0xff;
        if (n < 1 || n > SessionKeys.MAX_ID_BYTES || p + 1 + n > len) {
            return null;
        }
        byte[] raw = new byte[n];
        b.get(p + 1, raw);
        String s = new String(raw, StandardCharsets.UTF_8);
        return Arrays.equals(s.getBytes(StandardCharsets.UTF_8), raw) ? s : null;
    }
}
