/**
 * Discovery adverts (issue 5, capability 1; seed 001 [0099]-[0110]): the codec only.
 *
 * <p>Owns the 48 bits of advertised information ({@link net.coopwan.daemon.coop.advert.AdvertInfo}),
 * their two encodings (the 16-byte UDP beacon payload and the Wi-Fi SSID text form
 * {@code COOP-ROUTER XXXXXXXX YYYYYYYY}) in {@link net.coopwan.daemon.coop.advert.AdvertCodec},
 * the 48-bit tag in its two explicit modes ({@link net.coopwan.daemon.coop.advert.AdvertTag#checksum()}
 * before pairing, {@link net.coopwan.daemon.coop.advert.AdvertTag#keyed(byte[])} after),
 * the drop reasons of a rejected advert ({@link net.coopwan.daemon.coop.advert.DropReason},
 * {@link net.coopwan.daemon.coop.advert.DropCounters}) and the send pacing
 * ({@link net.coopwan.daemon.coop.advert.AdvertRateLimiter}).
 *
 * <p>It does not own sockets, interfaces, peers or keys: the beacon transport
 * ({@link net.coopwan.daemon.coop.discovery}), the handshake
 * and pairing (which derives the advert key) live elsewhere and use this package.
 * Layout, tag modes and timers, with the reason for each choice: {@code docs/PROTOCOL.md},
 * section "Discovery adverts".
 */
package net.coopwan.daemon.coop.advert;
