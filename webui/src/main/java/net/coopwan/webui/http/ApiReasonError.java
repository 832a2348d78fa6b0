package net.coopwan.webui.http;

/**
 * The JSON body of an API error the daemon gave a reason for:
 * {@code {"error":"...","reason":"NOT_FOUND"}}; {@code reason} is a
 * {@link net.coopwan.daemon.api.ControlException.Reason} name.
 */
public record ApiReasonError(String error, String reason) {
}
