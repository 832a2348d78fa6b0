/**
 * Keys and sealed messages shared by the cooperation channel and the bonded tunnels.
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.secure.Hkdf}: HKDF-SHA256 (RFC 5869) on the JDK's HmacSHA256.</li>
 *   <li>{@link net.coopwan.daemon.secure.ReplayWindow}: RFC 6479 sliding bitmap, accept-once.</li>
 *   <li>{@link net.coopwan.daemon.secure.AeadSealer} / {@link net.coopwan.daemon.secure.AeadOpener}:
 *       ChaCha20-Poly1305 with a 64-bit packet-number nonce, header as AAD, one object per
 *       direction, typed results instead of exceptions.</li>
 *   <li>{@link net.coopwan.daemon.secure.SessionKeys}: ephemeral X25519 per session, mixed with
 *       the pairing secret into two directional keys and a key id.</li>
 *   <li>{@link net.coopwan.daemon.secure.Pairing}: J-PAKE (Bouncy Castle) from a code shown on one
 *       router and typed on the other, with key confirmation; {@link
 *       net.coopwan.daemon.secure.PairingCodec} encodes its messages and {@link
 *       net.coopwan.daemon.secure.PairingAttempts} limits wrong codes.</li>
 * </ul>
 *
 * <p>No sockets and no state machine here: these are the building blocks. None of the classes is
 * thread-safe unless it says so; a session owns one sealer and one opener and uses each from one
 * thread. The byte layouts and the reasons for every size are in {@code docs/PROTOCOL.md},
 * section 3.
 */
package net.coopwan.daemon.secure;
