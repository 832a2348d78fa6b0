/**
 * Kernel I/O: the packets the kernel copies to an NFLOG group, read over a netlink socket
 * (AF_NETLINK, NETLINK_NETFILTER, the NFULNL messages of nfnetlink_log) bound with jnr-ffi as
 * {@code tun} and {@code uplink.failure} bind theirs. {@link net.coopwan.daemon.nflog.NflogMessages}
 * builds the configuration messages and splits what the kernel sends into packets (pure, fuzzed);
 * {@link net.coopwan.daemon.nflog.NflogSocket} is the socket; {@link net.coopwan.daemon.nflog.NflogReader}
 * is the thread that reads it, bounded per wake-up, and counts what it could not read. What the
 * packets mean is the listener's business (bandwidth sharing's {@code coop.sharing.hosts}).
 */
package net.coopwan.daemon.nflog;
