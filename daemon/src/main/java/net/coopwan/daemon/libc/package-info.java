/**
 * Binding libc through jnr-ffi once per interface, for the few packages that call the kernel
 * directly (TUN devices, probe sockets, the NFLOG netlink socket): the loading and its failure
 * kept for a clear error at first use, and errno.
 */
package net.coopwan.daemon.libc;
