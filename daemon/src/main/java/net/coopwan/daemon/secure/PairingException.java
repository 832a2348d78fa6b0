package net.coopwan.daemon.secure;

import java.util.Objects;

/** The only exception of pairing: a typed {@link PairingFailure} and a readable message. */
public final class PairingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final PairingFailure failure;

    public PairingException(PairingFailure failure, String message) {
        super(message, null, false, false);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public PairingFailure failure() {
        return failure;
    }
}
