package net.coopwan.daemon.coop.sharing;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where the sharer's owner's "stop lending to this borrower" is kept (the daemon: the state
 * store, {@code store.SharingStopStore}), so that a restart never lends to it again silently.
 * A stop is written before it takes effect: one that cannot be kept throws and changes nothing.
 */
public interface LendingStops {

    /** The borrowers lending is stopped for (read once at start). */
    Set<String> stopped();

    /** Keeps the stop; throws {@link IllegalStateException} with the reason when it cannot. */
    void stop(String borrowerId, String via);

    /** Forgets the stop; throws {@link IllegalStateException} with the reason when it cannot. */
    void resume(String borrowerId);

    /** Kept in memory only: for tests, and a daemon without its store. */
    static LendingStops inMemory() {
        Set<String> kept = new LinkedHashSet<>();
        return new LendingStops() {
            @Override
            public synchronized Set<String> stopped() {
                return Set.copyOf(kept);
            }

            @Override
            public synchronized void stop(String borrowerId, String via) {
                kept.add(borrowerId);
            }

            @Override
            public synchronized void resume(String borrowerId) {
                kept.remove(borrowerId);
            }
        };
    }
}
