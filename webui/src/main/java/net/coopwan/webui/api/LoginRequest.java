package net.coopwan.webui.api;

/** Body of {@code POST /api/v1/login}. */
public record LoginRequest(String user, String password) {

    @Override
    public String toString() {
        return "LoginRequest[user=" + user + "]";
    }
}
