/**
 * Typed coopwan configuration: immutable records built from the UCI file {@code /etc/config/coopwan}
 * by {@link net.coopwan.config.ConfigLoader}, with validation that names file, line and option.
 * The UCI syntax itself lives in {@link net.coopwan.config.uci}.
 */
package net.coopwan.config;
