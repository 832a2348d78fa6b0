package net.coopwan.daemon.coop.sharing.hosts;

/** Why a copied packet taught nothing, or what learning had to give up; counted, shown in the sharing status. */
public enum HostDrop {
    /** Not an IPv4 packet with a whole UDP or TCP header. */
    HOSTS_IP_MALFORMED,
    /** A fragment: the rest of the message is in another packet. */
    HOSTS_IP_FRAGMENT,
    /** Cut short: by the snap length, or a message that goes on in the next TCP segment. */
    HOSTS_TRUNCATED,
    /** A DNS message that breaks its layout (lengths, names, pointers). */
    HOSTS_DNS_MALFORMED,
    /** A TLS record or ClientHello that breaks its layout. */
    HOSTS_TLS_MALFORMED,
    /** An HTTP request line or Host header that breaks the syntax. */
    HOSTS_HTTP_MALFORMED,
    /** A packet of a kind the rules never copy (another protocol). */
    HOSTS_NOT_COPIED,
    /** The learned hosts were at their bound: the one that expires soonest was forgotten. */
    HOSTS_FULL,
    /** The kernel's set could not be updated (the reason is logged); the hosts are given again when the path opens. */
    HOSTS_UPDATE_FAILED
}
