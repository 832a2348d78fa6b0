package net.coopwan.daemon.coop.suppression;

/**
 * The kind of latency-critical application a suppression is for (seed 001 [0299]): it carries the
 * drop ceiling the text gives as its example. Codes are stable on the wire (SuppressionCodec).
 */
public enum AppType {
    /** A call: "not more than 20 percent" of other traffic dropped, higher limits [0299]. */
    VOIP(1, 20),
    /** A game (the seed's first-person shooter): lower limits; the ceiling is still the agreement's. */
    GAME(2, 20),
    /** Latency-critical but neither (an ad hoc session, [0235]): the seed's smallest example, 5 %. */
    OTHER(3, 5);

    private final int code;
    private final int defaultMaxDropPercent;

    AppType(int code, int defaultMaxDropPercent) {
        this.code = code;
        this.defaultMaxDropPercent = defaultMaxDropPercent;
    }

    public int code() {
        return code;
    }

    /** The drop ceiling a requester asks for when its config says nothing else. */
    public int defaultMaxDropPercent() {
        return defaultMaxDropPercent;
    }

    /** The type with {@code code}, or null. */
    public static AppType of(int code) {
        for (AppType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
