package net.coopwan.daemon.coop.advert;

/**
 * Type of the advertiser's primary uplink ([0102] "types ... of ISP connection"), a 3-bit code.
 * The advert has room for one uplink only; the full list comes with the extra information on
 * request. All eight codes are defined, so no value of the field is invalid.
 */
public enum UplinkType {
    UNKNOWN, DSL, CABLE, FIBRE, CELLULAR, SATELLITE, FIXED_WIRELESS, OTHER;

    /** The 3-bit wire code (the ordinal; the order above is part of the wire format). */
    public int code() {
        return ordinal();
    }

    /** The type of a configured uplink ({@code net.coopwan.config.Uplink#TYPES}, the same names in lower case). */
    public static UplinkType ofConfig(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    static UplinkType ofCode(int code) {
        return values()[code & 7];
    }
}
