package net.coopwan.config;

/**
 * {@code config web 'web'}: the admin web UI.
 *
 * @param enabled      whether the web front-end starts
 * @param listen       address to bind
 * @param port         TCP port
 * @param user         login name
 * @param passwordHash {@code pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64}, see {@link PasswordHash}
 * @param sessionTimeoutSeconds idle time after which a login session ends
 */
public record Web(boolean enabled, String listen, int port, String user, String passwordHash, int sessionTimeoutSeconds) {

    /** Configs get logged; the hash is left out so a log never helps an offline guesser. */
    @Override
    public String toString() {
        return "Web[enabled=" + enabled + ", listen=" + listen + ", port=" + port + ", user=" + user
                + ", passwordHash=" + (passwordHash == null || passwordHash.isEmpty() ? "" : "(set)") + ", sessionTimeoutSeconds="
                + sessionTimeoutSeconds + "]";
    }
}
