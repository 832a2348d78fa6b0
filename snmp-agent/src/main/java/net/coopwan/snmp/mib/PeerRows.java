package net.coopwan.snmp.mib;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.NearbyRouter;
import net.coopwan.daemon.api.PairedPeer;
import net.coopwan.daemon.api.PeersStatus;

/**
 * What the peerTable shows, worked out from the ControlApi's three views of the neighbours: the
 * routers heard on the peer link ({@code discovery()}), the paired routers and their channels
 * ({@code peers()}) and the agreements ({@code agreements()}). Pure: no SNMP, no I/O.
 *
 * <p>One row per neighbour, by the id the other front-ends use: a paired router or one with an
 * agreement by its router id; a router only heard by {@code ADDRESS/NONCE} (how 'coopwan ctl peers'
 * lists it; it has told no id yet). A heard router at the address of a paired peer is that peer, not
 * a second row.
 *
 * <p>peerState (COOPWAN-MIB: up and down are "agreed, ..."):
 * <ul>
 * <li>an agreement and the channel ESTABLISHED: up(3);</li>
 * <li>an agreement and the channel CONNECTING, or no channel at all (peer link off): down(4);</li>
 * <li>paired, no agreement yet: pairing(2), whatever the channel (the offer and approval that make
 *     an agreement go over it);</li>
 * <li>only heard: discovered(1).</li>
 * </ul>
 */
final class PeerRows {

    private PeerRows() {
    }

    /** peerState values. */
    static final int DISCOVERED = 1;
    static final int PAIRING = 2;
    static final int UP = 3;
    static final int DOWN = 4;

    /** DisplayString (SIZE (0..64)) of peerId and peerName. */
    static final int MAX_TEXT = 64;

    /** The emergency parameter that is peerQuotaLimit: octets per window_ms (CooperationType.EMERGENCY). */
    static final String QUOTA_PARAMETER = "quota_bytes";

    /**
     * One row.
     *
     * @param peerId     the id as the other front-ends show it (whole: the table clips it to 64 octets)
     * @param name       "" when none is known
     * @param state      peerState
     * @param coopTypes  peerCoopTypes, one octet: emergency 0x80, bandwidthSharing 0x40,
     *                   duplication 0x20, suppression 0x10 (BITS: bit 0 is the first octet's high bit)
     * @param quotaLimit peerQuotaLimit in octets, 0 none
     * @param known      paired or agreed: its peerIndex is kept across restarts
     */
    record Row(String peerId, String name, int state, byte coopTypes, long quotaLimit, boolean known) {
    }

    /** peerState from a channel state ({@code ESTABLISHED}, {@code CONNECTING}, null: no channel) and whether an agreement exists. */
    static int state(String channel, boolean agreed) {
        if (!agreed) {
            return channel == null ? DISCOVERED : PAIRING;
        }
        return "ESTABLISHED".equals(channel) ? UP : DOWN;
    }

    /**
     * The BITS octet of the agreements' enabled types (UCI names of {@link CooperationType}).
     * {@code proxied_bandwidth_sharing} (bandwidth lent through a neighbour, seed 001) is
     * bandwidth sharing too and sets bandwidthSharing(1): the MIB has no bit of its own for it.
     * A name this agent does not know sets nothing.
     */
    static byte coopTypes(Set<String> enabled) {
        int bits = 0;
        for (String t : enabled) {
            if (t.equals(CooperationType.EMERGENCY.uciName())) {
                bits |= 0x80;
            } else if (t.equals(CooperationType.BANDWIDTH_SHARING.uciName()) || t.equals("proxied_bandwidth_sharing")) {
                bits |= 0x40;
            } else if (t.equals(CooperationType.DUPLICATION.uciName())) {
                bits |= 0x20;
            } else if (t.equals(CooperationType.SUPPRESSION.uciName())) {
                bits |= 0x10;
            }
        }
        return (byte) bits;
    }

    /**
     * The rows, paired and agreed peers first by id, then the routers only heard in the order they
     * were first heard. A peer with agreements in both roles gets the union of their types; its
     * quota is the emergency {@value #QUOTA_PARAMETER} of the agreement where this router is the
     * helper (it carries the peer's traffic, which is what peerQuotaUsed counts), else of the one
     * where it is the requester.
     */
    static List<Row> of(DiscoveryStatus discovery, PeersStatus peers, List<AgreementStatus> agreements) {
        Map<String, List<AgreementStatus>> agreed = new TreeMap<>();
        for (AgreementStatus a : agreements) {
            agreed.computeIfAbsent(a.peerId(), k -> new ArrayList<>()).add(a);
        }
        Map<String, String> channel = new TreeMap<>();
        List<String> pairedAddresses = new ArrayList<>();
        if (peers != null) {
            for (PairedPeer p : peers.peers()) {
                channel.put(p.peerId(), p.state());
                pairedAddresses.add(p.address());
            }
        }
        TreeMap<String, Boolean> known = new TreeMap<>();
        channel.keySet().forEach(id -> known.put(id, true));
        agreed.keySet().forEach(id -> known.put(id, true));

        List<Row> rows = new ArrayList<>();
        for (String id : known.keySet()) {
            List<AgreementStatus> as = agreed.getOrDefault(id, List.of());
            String name = "";
            Set<String> types = new HashSet<>();
            long quota = 0;
            int quotaRank = 0; // 2 helper, 1 requester
            for (AgreementStatus a : as) {
                if (name.isEmpty()) {
                    name = a.peerName();
                }
                types.addAll(a.enabled().keySet());
                Map<String, Long> emergency = a.enabled().get(CooperationType.EMERGENCY.uciName());
                Long q = emergency == null ? null : emergency.get(QUOTA_PARAMETER);
                int rank = "helper".equals(a.role()) ? 2 : 1;
                if (q != null && rank > quotaRank) {
                    quota = Math.max(0, q);
                    quotaRank = rank;
                }
            }
            rows.add(new Row(id, clip(name), state(channel.get(id), !as.isEmpty()), coopTypes(types), quota, true));
        }
        if (discovery != null) {
            Map<String, NearbyRouter> heard = new LinkedHashMap<>();
            for (NearbyRouter r : discovery.routers()) {
                if (!pairedAddresses.contains(r.address())) {
                    heard.putIfAbsent(r.address() + "/" + r.nonce(), r);
                }
            }
            heard.keySet().forEach(id -> rows.add(new Row(id, "", DISCOVERED, (byte) 0, 0, false)));
        }
        return rows;
    }

    /** agreementRole: requester(1), helper(2); 0 for a role this agent does not know (no row). */
    static int role(String role) {
        return switch (role) {
            case "requester" -> 1;
            case "helper" -> 2;
            default -> 0;
        };
    }

    /**
     * agreementCoopType: peerCoopTypes' bit number plus one (emergency(1) ... suppression(4)), from
     * a UCI type name as {@link #coopTypes} reads it; 0 for a name this agent does not know (no row).
     */
    static int coopType(String uciName) {
        return switch (coopTypes(Set.of(uciName)) & 0xff) {
            case 0x80 -> 1;
            case 0x40 -> 2;
            case 0x20 -> 3;
            case 0x10 -> 4;
            default -> 0;
        };
    }

    /** At most {@value #MAX_TEXT} octets of UTF-8, cut at a character boundary. */
    static String clip(String s) {
        if (s == null) {
            return "";
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_TEXT) {
            return s;
        }
        int end = s.length();
        while (s.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_TEXT) {
            end--;
        }
        return s.substring(0, end);
    }
}
