package net.coopwan.luci.rpc;

/** A JSON-RPC error to send back: one of the codes in {@link JsonRpc} and a message an admin can act on. */
public final class RpcException extends Exception {

    private final int code;

    public RpcException(int code, String message) {
        // No stack trace: this is an answer to a client, not a fault in the daemon.
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
