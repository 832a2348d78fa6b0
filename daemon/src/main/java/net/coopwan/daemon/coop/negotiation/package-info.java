/**
 * The cooperation handshake on the wire (issue 5, capabilities 2-4; seed 001 FIG. 3A steps
 * 306-318, [0113]-[0118]): the requester's offer, the helper's response (its owner's approved
 * subset with values, or a rejection), acknowledgements, and later cooperation requests checked
 * against the persisted agreement ([0115]).
 *
 * <p>{@link net.coopwan.daemon.coop.negotiation.CoopCodec} turns
 * {@link net.coopwan.daemon.coop.negotiation.CoopMessage}s into the plaintext of a sealed
 * {@code COOP_MESSAGE} channel datagram and back (codec separate from the handler);
 * {@link net.coopwan.daemon.coop.negotiation.Negotiation} is the handler: resends until
 * acknowledged, ignores duplicates, applies {@code coop.agreement.AgreementRules} and persists
 * through {@code store.AgreementStore}. Replays and tampering are stopped below, by the channel's
 * AEAD and replay window. Wire format, timers and reasons: docs/PROTOCOL.md 3.11.
 */
package net.coopwan.daemon.coop.negotiation;
