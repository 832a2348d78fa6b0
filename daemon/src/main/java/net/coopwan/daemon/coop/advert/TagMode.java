package net.coopwan.daemon.coop.advert;

/** How the 48-bit tag of an advert was made; carried in info bit 42 and covered by the tag. */
public enum TagMode {
    /**
     * Truncated SHA-256 of the covered bytes. Catches corruption and non-coop frames that happen
     * to look like adverts; anyone can compute it, so it proves nothing about the sender.
     */
    CHECKSUM,
    /**
     * Truncated HMAC-SHA256 keyed with the advert key of a pairing. Proves the 48 bits were made
     * by a holder of the key (to 2^-48 forgery odds per try); it does not prove freshness.
     */
    KEYED
}
