package net.coopwan.daemon.main;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Sharing;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.ChannelHeader;
import net.coopwan.daemon.coop.channel.ChannelService;
import net.coopwan.daemon.coop.emergency.EmergencyLedger;
import net.coopwan.daemon.coop.sharing.LendingStops;
import net.coopwan.daemon.coop.sharing.ShareableBandwidth;
import net.coopwan.daemon.coop.sharing.SharingCodec;
import net.coopwan.daemon.coop.sharing.SharingService;
import net.coopwan.daemon.datapath.HostLearning;
import net.coopwan.daemon.datapath.SharingDataPaths;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.EmergencyStore;
import net.coopwan.daemon.store.SharingStopStore;
import net.coopwan.daemon.store.Store;
import net.coopwan.daemon.store.StoreException;

/**
 * Builds bandwidth sharing on the channel (kind SHARING) of a daemon whose peer link is on, from
 * {@code config sharing} and the watched uplink's configured rates; its paths are the emergency
 * connection's ({@code datapath.SharingDataPaths} on the same {@code EmergencyDataPaths}).
 */
final class SharingWiring {

    /** How long a peak must be watched before it stands for an unconfigured capacity: the seed's TT, an hour. */
    static final long PEAK_OBSERVATION_MS = 3_600_000;

    private SharingWiring() {
    }

    /**
     * The service, registered on {@code channel}, with its own worker; {@link SharingService#close} stops both.
     * Its totals and the owner's stops are kept in {@code state} (in memory without it).
     */
    static SharingService start(CoopwanConfig c, ChannelService channel, AgreementStore store, Store state,
            SharingDataPaths paths, Consumer<String> log) {
        Sharing s = c.sharing();
        Optional<Uplink> uplink = EmergencyWiring.uplink(c);
        ShareableBandwidth.Settings estimate = new ShareableBandwidth.Settings(s.windowS() * 1000L, 0,
                PEAK_OBSERVATION_MS, s.marginPercent(), 10, 100, SharingCodec.MAX_KBPS, 100);
        SharingService.Settings settings = new SharingService.Settings(s.lend(), s.borrow(), estimate,
                uplink.map(Uplink::downKbps).orElse(0L), uplink.map(Uplink::upKbps).orElse(0L), quotaWindowMs(s),
                s.forceTerminate(), s.busyPercent());
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sharing-paths");
            t.setDaemon(true);
            return t;
        });
        EmergencyLedger ledger = state == null ? EmergencyLedger.inMemory()
                : EmergencyWiring.ledger(new EmergencyStore(state), "sharing", EmergencyStore.SHARING_ROLES, log);
        SharingService service = new SharingService(settings, peers(channel, store), paths, worker, log,
                new SecureRandom().nextLong() & 0xffff_ffffL, ledger, state == null ? LendingStops.inMemory() : stops(state));
        learnHosts(s, paths, service, worker, log);
        channel.messages(ChannelHeader.Kind.SHARING, service);
        service.wake(channel::kick);
        return service;
    }

    /**
     * While this router may borrow (and {@code learn_hosts} is on), download hosts are learned:
     * started on the worker after the service's first clear (which removed a killed run's copy
     * rules), stopped by its last ({@link SharingService#close}); what it counts is in the status.
     */
    private static void learnHosts(Sharing s, SharingDataPaths paths, SharingService service, ExecutorService worker,
            Consumer<String> log) {
        HostLearning learning = paths.learning();
        if (!s.borrow() || !s.learnHosts() || learning == null) {
            return;
        }
        service.moreCounters(learning::counters);
        worker.execute(() -> {
            try {
                learning.start(log);
            } catch (java.io.IOException | RuntimeException e) {
                log.accept("sharing: download hosts are not learned (" + e.getMessage()
                        + "); new sessions are chosen by port and the avoid patterns cannot apply");
            }
        });
    }

    /** The owner's stops in the state store; a failed write refuses the stop or resume (nothing changes). */
    private static LendingStops stops(Store state) {
        SharingStopStore kept = new SharingStopStore(state);
        return new LendingStops() {
            @Override
            public java.util.Set<String> stopped() {
                try {
                    return kept.stopped();
                } catch (StoreException ex) {
                    // unreadable at start: nothing is lent until the owner looks (a stop must never be lost)
                    throw new IllegalStateException("cannot read the stops of lending: " + ex.getMessage(), ex);
                }
            }

            @Override
            public void stop(String borrowerId, String via) {
                try {
                    kept.stop(borrowerId, via, java.time.Instant.now());
                } catch (StoreException ex) {
                    throw new IllegalStateException("the stop cannot be kept in the state store: " + ex.getMessage(), ex);
                }
            }

            @Override
            public void resume(String borrowerId) {
                try {
                    kept.resume(borrowerId);
                } catch (StoreException ex) {
                    throw new IllegalStateException("the resume cannot be kept in the state store: " + ex.getMessage(), ex);
                }
            }
        };
    }

    /**
     * The sharer's kernel quota holds any window of the sharer's T (the seed's [0131] window, as the
     * emergency's), at most 10 s (an offer's window on the wire): a sliding window the daemon moves
     * every T/20 (steer.SlidingWindowQuota), paced and queued at 90 % of the offer (docs/PROTOCOL.md 3.13).
     */
    static long quotaWindowMs(Sharing s) {
        return Math.min(SharingCodec.MAX_WINDOW_MS, s.windowS() * 1000L);
    }

    private static SharingService.Peers peers(ChannelService channel, AgreementStore store) {
        return new SharingService.Peers() {
            @Override
            public List<Agreement> agreements(Role role) {
                List<Agreement> out = new ArrayList<>();
                try {
                    for (Agreement a : store.agreements()) {
                        if (a.localRole() == role) {
                            out.add(a);
                        }
                    }
                } catch (StoreException ex) {
                    // none this time; read again at the next sample
                }
                return out;
            }

            @Override
            public Optional<Agreement> agreement(String peerId, Role role) {
                return EmergencyWiring.agreementWith(store, peerId, role);
            }

            @Override
            public boolean established(String peerId) {
                return EmergencyWiring.established(channel, peerId);
            }

            @Override
            public InetAddress address(String peerId) {
                return EmergencyWiring.addressOf(channel, peerId);
            }
        };
    }
}
