package net.coopwan.daemon.bond;

import net.coopwan.config.Bond;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.tun.TunDevice;

/**
 * What runs behind a bond's interface once it exists: the data path of a bond with a far end
 * ({@code net.coopwan.daemon.datapath.BondDataPaths}). {@link BondManager} owns the interfaces
 * and tells the runtime when one is there and when it goes; the runtime decides whether it has
 * anything to run. Kept as an interface so the bond lifecycle is tested without threads and
 * sockets.
 */
public interface BondRuntime extends AutoCloseable {

    /**
     * The bond's interface exists under {@code config}: start, restart (its settings changed) or
     * leave alone its data path. Idempotent; a problem is returned as a phrase for the event
     * log, never thrown. Returns null when nothing changed.
     */
    String sync(Bond bond, TunDevice tun, CoopwanConfig config);

    /** The bond's data path in words for status output, "" when it has none. */
    default String describe(String bond) {
        return "";
    }

    /** The bond's interface is about to go: stop its data path. Idempotent. */
    void detach(String bond);

    @Override
    void close();

    /** No data paths at all. */
    BondRuntime NONE = new BondRuntime() {
        @Override
        public String sync(Bond bond, TunDevice tun, CoopwanConfig config) {
            return null;
        }

        @Override
        public void detach(String bond) {
        }

        @Override
        public void close() {
        }
    };
}
