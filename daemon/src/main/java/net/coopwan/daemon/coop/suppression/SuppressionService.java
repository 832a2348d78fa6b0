package net.coopwan.daemon.coop.suppression;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.coop.commonisp.CommonIspGate;
import net.coopwan.daemon.counters.EnumCounters;

/**
 * Suppression of other traffic on the channel (kind SUPPRESSION; docs/PROTOCOL.md 3.14), both
 * roles: this router's {@link SuppressionPolicy} decides when its own other traffic is held back
 * and, through a {@link SuppressionRequester} per neighbour with an agreement, asks those
 * neighbours to do the same; each neighbour's request in force is a {@link NeighbourSuppression}.
 * Both feed {@link SuppressionDemands}, the one owner of the kernel table.
 *
 * <p>Called under the channel's lock (receive thread and its 50 ms timer). The kernel calls are
 * one {@code nft -f} transaction each (milliseconds) and happen only when the ceiling changes.
 */
public final class SuppressionService implements SealedMessages {

    /** What the service needs of the agreements. */
    public interface Agreements {
        /** The agreed max_drop_percent with which {@code peerId} may ask us to suppress, or -1 (none). */
        int grantedTo(String peerId);

        /** The neighbours this router may ask to suppress (suppression agreements; the common-ISP gate is applied by the service). */
        Set<String> requestable();
    }

    /**
     * What this router does for its own LC traffic: its config's values.
     *
     * @param own            suppress its own other traffic while the policy enforces
     * @param askNeighbours  send requests to the neighbours {@link Agreements#requestable()} names
     */
    public record Ask(boolean own, boolean askNeighbours, AppType appType, int maxDropPercent, long leaseMs) {
    }

    private final SuppressionPolicy policy;
    private final SuppressionDemands demands;
    private final Agreements agreements;
    private final Consumer<String> log;
    private final EnumCounters<SuppressionDrop> drops = new EnumCounters<>(SuppressionDrop.class);
    private final Map<String, NeighbourSuppression> neighbours = new LinkedHashMap<>();
    private final Map<String, SuppressionRequester> requesters = new LinkedHashMap<>();
    private final long firstRequestId;
    private volatile Ask ask;
    /** Common-ISP gating ([0180]): no request to a neighbour on a different ISP. Open until set. */
    private volatile CommonIspGate ispGate = CommonIspGate.OPEN;
    private String lastReason = "";

    public SuppressionService(SuppressionPolicy policy, SuppressionDemands demands, Agreements agreements, Ask ask,
            long firstRequestId, Consumer<String> log) {
        this.policy = policy;
        this.demands = demands;
        this.agreements = agreements;
        this.ask = ask;
        this.firstRequestId = firstRequestId;
        this.log = log;
    }

    /** An LC packet passed at {@code nowNanos} (from the classification). */
    public synchronized void lcPacket(long nowNanos) {
        policy.lcPacket(nowNanos);
    }

    /** Whether LC traffic is current (the probes of {@link SuppressionFeeds} run only then). */
    public synchronized boolean lcCurrent(long nowNanos) {
        return policy.lcCurrent(nowNanos);
    }

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        SuppressionMessage m;
        try {
            m = SuppressionCodec.parse(plaintext);
        } catch (SuppressionFormatException e) {
            drops.count(SuppressionDrop.SUPPRESSION_MALFORMED);
            return;
        }
        if (m instanceof SuppressionMessage.Request r) {
            int granted = agreements.grantedTo(peerId);
            if (granted < 0) {
                drops.count(SuppressionDrop.SUPPRESSION_NO_AGREEMENT);
            }
            NeighbourSuppression n = neighbours.computeIfAbsent(peerId, NeighbourSuppression::new);
            neighbourActions(peerId, n, n.onRequest(r, granted, now), sender);
        } else if (m instanceof SuppressionMessage.Stop s) {
            // an entry per paired peer at most: the channel authenticated peerId
            NeighbourSuppression n = neighbours.computeIfAbsent(peerId, NeighbourSuppression::new);
            if (!n.current(s.requestId())) {
                drops.count(SuppressionDrop.SUPPRESSION_UNEXPECTED);
            }
            neighbourActions(peerId, n, n.onStop(s), sender);
        } else if (m instanceof SuppressionMessage.Answer a) {
            SuppressionRequester q = requesters.get(peerId);
            java.util.List<SuppressionRequester.Action> out = new java.util.ArrayList<>();
            if (q == null || !q.onAnswer(a, out)) {
                drops.count(SuppressionDrop.SUPPRESSION_UNEXPECTED);
            }
            requesterActions(peerId, out, sender);
        }
    }

    @Override
    public synchronized void tick(long now, Sender sender) {
        try {
            demands.tick();
        } catch (RuntimeException e) {
            line(null, "own suppression's shaper not settled: " + e.getMessage());
        }
        SuppressionPolicy.Transition t = policy.evaluate(now);
        if (t != null) {
            lastReason = t.reason();
            line(null, "policy " + t.from().name().toLowerCase() + " -> " + t.to().name().toLowerCase() + ": " + t.reason());
            if (t.to() == SuppressionPolicy.State.ENFORCING && ask.own()) {
                try {
                    demands.demand(SuppressionDemands.LOCAL, ask.maxDropPercent());
                } catch (RuntimeException e) {
                    line(null, "own suppression could not be applied: " + e.getMessage());
                    demands.withdraw(SuppressionDemands.LOCAL);
                }
            } else if (t.from() == SuppressionPolicy.State.ENFORCING) {
                demands.withdraw(SuppressionDemands.LOCAL);
            }
        }
        Set<String> agreed = ask.askNeighbours() ? agreements.requestable() : Set.of();
        CommonIspGate gate = ispGate;
        Set<String> requestable = new java.util.HashSet<>(agreed);
        // a neighbour behind a different ISP does not load our line: holding its traffic back would not help
        requestable.removeIf(p -> !gate.suppressionRequestsTo(p));
        for (String peer : requestable) {
            requesters.computeIfAbsent(peer, p -> new SuppressionRequester(p, firstRequestId));
        }
        for (Map.Entry<String, SuppressionRequester> e : requesters.entrySet()) {
            SuppressionRequester q = e.getValue();
            boolean want = policy.enforcing() && requestable.contains(e.getKey());
            Ask a = ask;
            if (want) {
                requesterActions(e.getKey(), q.start(a.appType(), a.maxDropPercent(), a.leaseMs(), now, lastReason), sender);
            } else {
                String why = !policy.enforcing() ? lastReason
                        : agreed.contains(e.getKey()) ? "different ISP (common-ISP gate)" : "agreement gone";
                requesterActions(e.getKey(), q.stop(now, why), sender);
            }
            requesterActions(e.getKey(), q.tick(now), sender);
        }
        for (Map.Entry<String, NeighbourSuppression> e : neighbours.entrySet()) {
            neighbourActions(e.getKey(), e.getValue(), e.getValue().tick(now), sender);
        }
    }

    /** The common-ISP verdicts that decide which neighbours may be asked (docs/PROTOCOL.md 3.15). */
    public void ispGate(CommonIspGate gate) {
        this.ispGate = gate;
    }

    /** New config values for what this router asks (a reload). */
    public void ask(Ask a) {
        this.ask = a;
    }

    /**
     * The daemon's stop: every neighbour's request and the own demand withdrawn, so nothing of
     * the table is left (a neighbour asking again after a restart gets it back).
     */
    public synchronized void close() {
        for (String source : java.util.List.copyOf(demands.demands().keySet())) {
            demands.withdraw(source);
        }
    }

    private void neighbourActions(String peerId, NeighbourSuppression n, java.util.List<NeighbourSuppression.Action> actions,
            Sender sender) {
        for (NeighbourSuppression.Action a : actions) {
            if (a instanceof NeighbourSuppression.Send s) {
                SuppressionMessage msg = s.message();
                sender.send(peerId, SuppressionCodec.encode(msg));
            } else if (a instanceof NeighbourSuppression.Enforce en) {
                try {
                    demands.demand(peerId, en.maxDropPercent());
                } catch (RuntimeException e) {
                    line(peerId, "suppression could not be applied: " + e.getMessage());
                    demands.withdraw(peerId);
                }
            } else if (a instanceof NeighbourSuppression.Release) {
                demands.withdraw(peerId);
            } else if (a instanceof NeighbourSuppression.Changed c) {
                line(peerId, "neighbour's request " + c.from().name().toLowerCase() + " -> "
                        + c.to().name().toLowerCase() + ": " + c.why());
            }
        }
    }

    private void requesterActions(String peerId, java.util.List<SuppressionRequester.Action> actions, Sender sender) {
        for (SuppressionRequester.Action a : actions) {
            if (a instanceof SuppressionRequester.Send s) {
                sender.send(peerId, SuppressionCodec.encode(s.message()));
            } else if (a instanceof SuppressionRequester.Changed c) {
                line(peerId, "request " + c.from().name().toLowerCase() + " -> " + c.to().name().toLowerCase() + ": " + c.why());
            }
        }
    }

    private void line(String peerId, String text) {
        try {
            log.accept("suppression: " + (peerId == null ? "" : peerId + ": ") + text);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        drops.snapshot().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    /** The policy's state, the ceiling enforced in this router's kernel (-1 none) and who demands it. */
    public synchronized Status status() {
        return new Status(policy.state(), lastReason, demands.enforced(), Map.copyOf(demands.demands()));
    }

    public record Status(SuppressionPolicy.State policy, String reason, int enforcedPercent, Map<String, Integer> demands) {
    }
}
