package net.coopwan.daemon.api;

import java.util.Objects;

/**
 * A request to the {@link ControlApi} that was refused, with a {@link Reason} a front-end maps to
 * its own error (SNMP, HTTP, JSON-RPC) and a message an administrator can act on. Nothing changed
 * when this is thrown. Unchecked, so that front-ends map it in one place (an exception mapper, the
 * JSON-RPC dispatcher, the SNMP commit) rather than at every call.
 */
public final class ControlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Why a request was refused. The intended mappings, so that front-ends agree (the JSON-RPC
     * bridge carries the reason's name in its error data):
     * <pre>
     * reason                SNMP                          HTTP
     * INVALID_VALUE         wrongValue                    400
     * INCONSISTENT          inconsistentValue             409
     * NOT_FOUND             noCreation / inconsistentName 404
     * ALREADY_EXISTS        inconsistentValue             409
     * RESOURCE_UNAVAILABLE  resourceUnavailable           503
     * </pre>
     */
    public enum Reason {
        /** A value is malformed or out of range on its own (bad name, unknown mode, MTU out of range). */
        INVALID_VALUE,
        /** A value is fine on its own but clashes with the rest of the state (unknown uplink, name taken). */
        INCONSISTENT,
        /** The object named does not exist. */
        NOT_FOUND,
        /** The object to create exists already. */
        ALREADY_EXISTS,
        /** A limit is reached or the system cannot do it now (no TUN, kernel refused, file not writable). */
        RESOURCE_UNAVAILABLE
    }

    private final Reason reason;

    public ControlException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ControlException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
