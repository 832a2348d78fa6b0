/**
 * Counters by reason, safe to bump from any thread: what every receive path (adverts, tunnel
 * packets) uses to count what it drops and why, so bad input is a number an admin can read,
 * never an exception.
 */
package net.coopwan.daemon.counters;
