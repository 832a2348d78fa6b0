package net.coopwan.daemon.coop.advert;

import java.util.Objects;

/**
 * A verified advert: its information, the version and tag mode it was sent with, its 48-bit
 * tag, and the form it arrived in. Produced by {@link AdvertCodec} only after the tag verified.
 *
 * @param form    beacon payload or SSID
 * @param magic   the beacon magic ({@link AdvertCodec#MAGIC}); for the SSID form the pattern
 *                prefix {@code COOP-ROUTER} stands for it ([0109] a) and this is the same constant
 * @param version protocol version from bits 47-44
 * @param tagMode how the tag was made (bit 42)
 * @param info    the named information fields
 * @param tag     the 48-bit tag as an unsigned value (big-endian bytes)
 */
public record Advert(Form form, int magic, int version, TagMode tagMode, AdvertInfo info, long tag) {

    /** The two encodings of an advert. */
    public enum Form { BEACON, SSID }

    public Advert {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(tagMode, "tagMode");
        Objects.requireNonNull(info, "info");
        if ((tag & ~AdvertInfo.MASK48) != 0) {
            throw new IllegalArgumentException("tag must fit 48 bits");
        }
    }

    /** The 48 information bits exactly as on the wire (version, keyed bit and reserved bits included). */
    public long infoBits() {
        return (long) version << AdvertInfo.VERSION_SHIFT
                | (tagMode == TagMode.KEYED ? AdvertInfo.KEYED_BIT : 0)
                | info.toBits();
    }
}
