package net.coopwan.webui.api;

/** Answer to a good login: the token to send as {@code X-CSRF-Token} on every write. */
public record LoginResponse(String csrfToken) {
}
