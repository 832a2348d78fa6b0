/**
 * Daemon lifecycle: {@code coopwan run --config FILE --state DIR} in the foreground as procd
 * expects, front-ends found with ServiceLoader, SIGHUP reloads, SIGTERM stops cleanly.
 */
package net.coopwan.daemon.main;
