package net.coopwan.daemon.api;

/**
 * A finished pairing: the peer is stored and the secure channel to it starts.
 *
 * @param peerId      the peer's router id
 * @param peerAddress its address on the peer link
 */
public record PairingResult(String peerId, String peerAddress) {
}
