package net.coopwan.daemon.coop.agreement;

/** Why a decision, a response or a request was refused (docs/PROTOCOL.md 2.4). */
public enum RejectReason {
    /** A type that the offer (or advertised offer) does not contain. */
    NOT_OFFERED,
    /** A value outside the offered range or the type's hard bounds (or a negative request value). */
    OUT_OF_RANGE,
    /** An offered parameter without a value. */
    MISSING_PARAMETER,
    /** A parameter the type does not have, that was not offered, or that a request may not name. */
    UNKNOWN_PARAMETER,
    /** Nothing offered, approved or answered: use a rejection instead. */
    EMPTY,
    /** A request for a type the agreement with that peer does not enable (or no agreement). */
    TYPE_NOT_ENABLED,
    /** A request value above the agreed value. */
    OVER_AGREED_VALUE
}
