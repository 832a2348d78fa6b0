package net.coopwan.daemon.coop.agreement;

import java.time.Instant;
import java.util.Objects;

/**
 * A neighbouring router this one has heard from.
 *
 * @param id        its router id (1-64 characters)
 * @param name      a name to show the owner, or null
 * @param firstSeen first time heard
 * @param lastSeen  last time heard
 */
public record Peer(String id, String name, Instant firstSeen, Instant lastSeen) {

    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
