/**
 * The test lab: a dual-WAN home network built from Linux network namespaces, reused by every
 * feature test and benchmark that needs real packets.
 *
 * <p>{@link net.coopwan.lab.Lab} owns the namespaces (lan, router, isp-N, inet, server), their
 * addresses, routes, carrier NAT and rate limits, and removes all of it on close. Because the
 * kernel has no netem, {@link net.coopwan.lab.ImpairmentRelay} adds delay, jitter, loss, rate
 * limits and outages in user space, sitting transparently on an ISP for the bonding tunnel's UDP
 * port; {@link net.coopwan.lab.LinkImpairment} is its per-direction model, pure and driven by
 * {@code nowNanos}. {@link net.coopwan.lab.UdpEcho} and {@link net.coopwan.lab.UdpProbe} are small
 * mains run inside namespaces (a JVM thread cannot enter one). {@link net.coopwan.lab.LabMain} keeps
 * a lab up for manual work ({@code scripts/lab.sh}).
 *
 * <p>Addresses come only from 100.64.0.0/10 and 198.18.0.0/15; nothing leaves the namespaces.
 */
package net.coopwan.lab;
