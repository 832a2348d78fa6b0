package net.coopwan.daemon.coop.advert;

import java.util.Objects;

/**
 * The only exception advert decoding throws. Carries the {@link DropReason} to count and a
 * readable message. Built without a stack trace: a flood of garbage packets must not cost a
 * stack walk each.
 */
public final class AdvertFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DropReason reason;

    public AdvertFormatException(DropReason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DropReason reason() {
        return reason;
    }
}
