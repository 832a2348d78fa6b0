package net.coopwan.daemon.api;

import java.time.Instant;

/**
 * One entry of the event log: a state change an admin may want to see later.
 *
 * @param id      increasing id
 * @param time    when it happened
 * @param source  the part of the daemon that changed state ("daemon", "uplink wan", "config", ...)
 * @param message one readable line, with the reason
 */
public record Event(long id, Instant time, String source, String message) {
}
