/**
 * The cooperation protocol between two neighbouring routers (seed 001, FIG. 3A and after):
 * discovery adverts, the handshake with owner approval, pairing and the secure channel
 * between a requester (asks for failover, spare bandwidth, duplication) and a helper
 * (lends its uplink). Roles are named, never "A"/"B" (claims 43-62 swap the names).
 * Wire formats and timers are documented in {@code docs/PROTOCOL.md}.
 */
package net.coopwan.daemon.coop;
