/**
 * This router's additional information for a paired neighbour that asks (seed 001 [0101]-[0103],
 * step 308; docs/PROTOCOL.md 3.11 INFO): the uplinks from the configuration and the traffic on
 * them from the kernel's interface counters, sampled by {@link net.coopwan.daemon.coop.info.TrafficSampler}
 * and assembled by {@link net.coopwan.daemon.coop.info.InfoSharing} under {@code peer.share_info}.
 */
package net.coopwan.daemon.coop.info;
