package net.coopwan.daemon.coop.agreement;

/** The local router's role in an agreement (seed 001: requester asks, helper lends its uplink). */
public enum Role {
    /** Advertised the offer and asks for cooperation (the seed's advertiser, step 317). */
    REQUESTER,
    /** Its owner approved a subset of the offer and it lends its uplink (steps 312-316). */
    HELPER
}
