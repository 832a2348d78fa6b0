package net.coopwan.daemon.secure;

import java.util.Arrays;

/**
 * What a successful pairing leaves behind, to be persisted with the peer: the 32-byte channel
 * secret (mixed into every session's keys by {@link SessionKeys}) and a separate 32-byte advert
 * key (keyed adverts, PROTOCOL.md 1.4). Both come from the J-PAKE keying material by HKDF with
 * different labels, so one never reveals the other.
 */
public final class PairingKey {
    private final byte[] channelSecret;
    private final byte[] advertKey;

    PairingKey(byte[] channelSecret, byte[] advertKey) {
        this.channelSecret = channelSecret;
        this.advertKey = advertKey;
    }

    /** Rebuilds a stored pairing key. */
    public static PairingKey of(byte[] channelSecret, byte[] advertKey) {
        if (channelSecret.length != 32 || advertKey.length != 32) {
            throw new IllegalArgumentException("pairing keys are 32 bytes each");
        }
        return new PairingKey(channelSecret.clone(), advertKey.clone());
    }

    public byte[] channelSecret() {
        return channelSecret.clone();
    }

    public byte[] advertKey() {
        return advertKey.clone();
    }

    public void destroy() {
        Arrays.fill(channelSecret, (byte) 0);
        Arrays.fill(advertKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "PairingKey[secret]";
    }
}
