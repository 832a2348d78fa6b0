package net.coopwan.luci.rpc;

/**
 * A JSON-RPC error to send back: one of the codes in {@link JsonRpc} and a message an admin can act
 * on; on the client side also the {@code data.reason} of a refusal by the daemon, if any.
 */
public final class RpcException extends Exception {

    private final int code;
    private final String reason;

    public RpcException(int code, String message) {
        this(code, message, null);
    }

    /** @param reason the ControlException reason name the daemon sent in error.data, or null */
    public RpcException(int code, String message, String reason) {
        // No stack trace: this is an answer to a client, not a fault in the daemon.
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    /** The daemon's reason for refusing (e.g. "NOT_FOUND"), or null when the error has none. */
    public String reason() {
        return reason;
    }
}
