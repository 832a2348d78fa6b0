package net.coopwan.daemon.coop.emergency;

import java.util.Objects;

/**
 * The four messages of the emergency connection (seed 001 FIG. 3B: 326 request, 328 ack, 337
 * termination, 338 termination ack; claims 29-31), each naming the emergency it belongs to by
 * the id the requester chose for it. Wire layout: {@link EmergencyCodec}, docs/PROTOCOL.md 3.12.
 */
public sealed interface EmergencyMessage {

    /** The emergency this message is about (unsigned 32 bits, chosen by the requester). */
    long emergencyId();

    /** Why the requester asks: which detector saw its uplink fail. */
    enum Cause {
        CARRIER(1), BLACKHOLE(2), PROBES(3), OWNER(4);

        final int code;

        Cause(int code) {
            this.code = code;
        }

        static Cause of(int code) {
            return EmergencyCodec.byCode(values(), v -> v.code, code);
        }
    }

    /** How the requester's traffic is to travel (docs/emergency.md). */
    enum Mode {
        DIRECT(1), CONCENTRATOR(2);

        final int code;

        Mode(int code) {
            this.code = code;
        }

        static Mode of(int code) {
            return EmergencyCodec.byCode(values(), v -> v.code, code);
        }
    }

    /** Why an emergency ends (either side may end it). */
    enum EndReason {
        /** The requester's own uplink works again. */
        RECOVERED(1, "the requester's uplink recovered"),
        /** The helper's owner ended it (web, ctl, SNMP). */
        OWNER_ENDED(2, "the helper's owner ended it"),
        /** The agreement that allowed it was withdrawn. */
        AGREEMENT_WITHDRAWN(3, "the emergency agreement was withdrawn"),
        /** The sender is stopping (SIGTERM, reload without the feature). */
        STOPPING(4, "the router is stopping"),
        /** The helper cannot carry any more (its own uplink failed, its set-up failed). */
        CANNOT_CARRY(5, "the helper cannot carry the traffic"),
        /** The requester disabled emergency requests or gave up the path. */
        REQUESTER_ENDED(6, "the requester ended it");

        final int code;
        private final String text;

        EndReason(int code, String text) {
            this.code = code;
            this.text = text;
        }

        /** What an admin reads in the log. */
        public String text() {
            return text;
        }

        static EndReason of(int code) {
            return EmergencyCodec.byCode(values(), v -> v.code, code);
        }
    }

    /** Why a helper refuses a request. */
    enum Refusal {
        NO_AGREEMENT(1), NOT_ENABLED(2), OVER_AGREEMENT(3), MODE_UNSUPPORTED(4), BUSY(5), SETUP_FAILED(6),
        DESTINATION_NOT_ALLOWED(7);

        final int code;

        Refusal(int code) {
            this.code = code;
        }

        static Refusal of(int code) {
            return EmergencyCodec.byCode(values(), v -> v.code, code);
        }
    }

    /** A concentrator the requester's sealed tunnel packets may go to: IPv4 address (as an int) and UDP port. */
    record Destination(int address, int port) {
        public Destination {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
        }

        /** From the configuration's {@code ADDR:PORT} (IPv4, already validated by the config loader). */
        public static Destination parse(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            int v = 0;
            for (String p : hostPort.substring(0, colon).split("\\.")) {
                v = v << 8 | Integer.parseInt(p);
            }
            return new Destination(v, Integer.parseInt(hostPort.substring(colon + 1)));
        }

        @Override
        public String toString() {
            return EmergencyCodec.dotted(address) + ":" + port;
        }
    }

    /**
     * Requester to helper (step 326). {@code quotaBytes}/{@code windowMs} 0 ask for the agreed
     * values; anything else must stay inside them. In mode concentrator, {@code destinations} are
     * the requester's concentrators (at least one, at most {@link EmergencyCodec#MAX_DESTINATIONS});
     * in mode direct there are none.
     */
    record Request(long emergencyId, Mode mode, Cause cause, long quotaBytes, long windowMs,
            java.util.List<Destination> destinations) implements EmergencyMessage {
        public Request {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(cause, "cause");
            EmergencyCodec.checkU32(emergencyId, "emergency id");
            if (quotaBytes < 0 || windowMs < 0 || windowMs > 0xffff_ffffL) {
                throw new IllegalArgumentException("quota and window must be >= 0");
            }
            destinations = java.util.List.copyOf(destinations);
            if (mode == Mode.DIRECT ? !destinations.isEmpty()
                    : destinations.isEmpty() || destinations.size() > EmergencyCodec.MAX_DESTINATIONS) {
                throw new IllegalArgumentException("mode " + mode + " with " + destinations.size() + " destination(s)");
            }
        }

        /** Mode direct: no destinations. */
        public Request(long emergencyId, Mode mode, Cause cause, long quotaBytes, long windowMs) {
            this(emergencyId, mode, cause, quotaBytes, windowMs, java.util.List.of());
        }
    }

    /**
     * What the helper grants (step 328): the quota it enforces and where the requester's tunnel
     * goes. Addresses are IPv4 as unsigned 32-bit values; {@code key} is the tunnel's pre-shared
     * key for this emergency only (the channel is sealed, so it travels confidentially).
     */
    record Grant(long quotaBytes, long windowMs, int tunnelPort, int requesterAddress, int helperAddress,
            int prefixLength, byte[] key) {
        public Grant {
            if (quotaBytes < 1 || windowMs < 1 || windowMs > 0xffff_ffffL) {
                throw new IllegalArgumentException("a grant has a positive quota and window");
            }
            if (tunnelPort < 1 || tunnelPort > 65535) {
                throw new IllegalArgumentException("tunnel port " + tunnelPort);
            }
            if (prefixLength < 1 || prefixLength > 30) {
                throw new IllegalArgumentException("prefix length " + prefixLength);
            }
            if (key == null || key.length != EmergencyCodec.KEY_BYTES) {
                throw new IllegalArgumentException("a grant's key has " + EmergencyCodec.KEY_BYTES + " bytes");
            }
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Grant g && g.quotaBytes == quotaBytes && g.windowMs == windowMs
                    && g.tunnelPort == tunnelPort && g.requesterAddress == requesterAddress
                    && g.helperAddress == helperAddress && g.prefixLength == prefixLength
                    && java.util.Arrays.equals(g.key, key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(quotaBytes, windowMs, tunnelPort, requesterAddress, helperAddress, prefixLength)
                    * 31 + java.util.Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Grant[quota " + quotaBytes + " B per " + windowMs + " ms, port " + tunnelPort + ", requester "
                    + EmergencyCodec.dotted(requesterAddress) + ", helper " + EmergencyCodec.dotted(helperAddress)
                    + "/" + prefixLength + "]";
        }
    }

    /** Helper to requester: the grant, or a refusal with its reason. Exactly one of the two is set. */
    record Ack(long emergencyId, Grant grant, Refusal refusal, String reason) implements EmergencyMessage {
        public Ack {
            EmergencyCodec.checkU32(emergencyId, "emergency id");
            if ((grant == null) == (refusal == null)) {
                throw new IllegalArgumentException("an ack grants or refuses");
            }
            reason = grant != null ? "" : Objects.requireNonNull(reason, "reason");
        }

        static Ack granted(long id, Grant g) {
            return new Ack(id, g, null, null);
        }

        static Ack refused(long id, Refusal r, String reason) {
            return new Ack(id, null, r, reason);
        }

        public boolean accepted() {
            return grant != null;
        }
    }

    /** Either side: the emergency ends (step 337, or the helper's owner ends it). */
    record Terminate(long emergencyId, EndReason reason) implements EmergencyMessage {
        public Terminate {
            EmergencyCodec.checkU32(emergencyId, "emergency id");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The other side confirms the end (step 338). */
    record TerminateAck(long emergencyId) implements EmergencyMessage {
        public TerminateAck {
            EmergencyCodec.checkU32(emergencyId, "emergency id");
        }
    }
}
