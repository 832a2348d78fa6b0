package net.coopwan.config;

/**
 * {@code config global 'global'}.
 *
 * @param role          what this box is: a home router or the concentrator at the far end of bonds
 * @param logLevel      error, warn, info or debug
 * @param controlSocket path of the unix socket the LuCI bridge and {@code coopwan ctl} use
 */
public record Global(Role role, String logLevel, String controlSocket) {

    public enum Role { ROUTER, CONCENTRATOR }
}
