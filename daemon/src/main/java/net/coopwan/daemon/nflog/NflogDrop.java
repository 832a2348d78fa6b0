package net.coopwan.daemon.nflog;

/** What the NFLOG reader could not read; counted, never fatal. */
public enum NflogDrop {
    /** The socket's receive buffer overflowed (ENOBUFS): the kernel dropped copies we were too slow for. */
    NFLOG_OVERFLOW,
    /** A datagram that broke netlink's layout (its packets are lost). */
    NFLOG_MALFORMED
}
