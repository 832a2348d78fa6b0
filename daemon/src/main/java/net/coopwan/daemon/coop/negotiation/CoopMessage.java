package net.coopwan.daemon.coop.negotiation;

import java.util.Map;
import java.util.Objects;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.coop.agreement.CooperationRequest;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.Response;

/**
 * One cooperation message inside a sealed COOP_MESSAGE. Every message has a 32-bit id chosen by
 * its sender; an {@link Ack} carries the id it acknowledges.
 */
public sealed interface CoopMessage {

    /** The message id (unsigned 32 bits). */
    long id();

    /** Requester to helper: what it offers (step 306-310). */
    record OfferMessage(long id, Offer offer) implements CoopMessage {
        public OfferMessage {
            Objects.requireNonNull(offer, "offer");
        }
    }

    /** What the helper's owner did with an offer. */
    enum Outcome {
        /** Approved a subset: the values follow. */
        APPROVED,
        /** The owner rejected the offer: a reason follows. */
        REJECTED,
        /** The offer broke a rule (empty, unknown parameter): a reason follows. */
        INVALID_OFFER
    }

    /** Helper to requester (step 316): the approved subset with values, or why not. */
    record ResponseMessage(long id, Outcome outcome, Response response, String reason) implements CoopMessage {
        public ResponseMessage {
            Objects.requireNonNull(outcome, "outcome");
            if (outcome == Outcome.APPROVED) {
                Objects.requireNonNull(response, "response");
                reason = "";
            } else {
                Objects.requireNonNull(reason, "reason");
                response = null;
            }
        }

        static ResponseMessage approved(long id, Response r) {
            return new ResponseMessage(id, Outcome.APPROVED, r, null);
        }

        static ResponseMessage refused(long id, Outcome o, String reason) {
            return new ResponseMessage(id, o, null, reason);
        }
    }

    /** Acknowledges the message with id {@code id}; never acknowledged itself. */
    record Ack(long id) implements CoopMessage {
    }

    /** A later request under an agreement (e.g. emergency bandwidth); the sender's peer id is implied by the channel. */
    record RequestMessage(long id, CooperationType type, Map<String, Long> values) implements CoopMessage {
        public RequestMessage {
            Objects.requireNonNull(type, "type");
            values = new CooperationRequest("x", type, values).values();
        }
    }

    /**
     * The answer to a {@link RequestMessage} (accepted or refused with the failed rules), or the
     * requester's refusal of a {@link ResponseMessage} that broke the rules.
     *
     * @param about    the id of the message answered
     * @param accepted whether it was accepted
     * @param reason   the failed rules, "" when accepted
     */
    record VerdictMessage(long id, long about, boolean accepted, String reason) implements CoopMessage {
        public VerdictMessage {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Asks the peer for its additional information ([0102], step 308); answered by an {@link InfoMessage}. */
    record InfoRequestMessage(long id) implements CoopMessage {
    }

    /**
     * The answer to the {@link InfoRequestMessage} with id {@code about}: the information, or the
     * owner's refusal.
     */
    record InfoMessage(long id, long about, RouterInfo info) implements CoopMessage {
        public InfoMessage {
            Objects.requireNonNull(info, "info");
        }
    }
}
