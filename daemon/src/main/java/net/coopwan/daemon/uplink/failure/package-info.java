/**
 * Failure detection of the router's own uplink (issue 15, part 1): is the line that carries this
 * household's traffic dead, so the neighbour should carry it? The seed's three signals: (a) the
 * modem says so, here carrier down on the uplink device; (b) nothing received on the device for
 * a while although packets keep going out; (c) pings or UDP echoes to several Internet servers
 * unanswered. Recovery: carrier up and replies again, for long enough, with flap damping.
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.uplink.failure.UplinkFailureDetector}: the decision, pure logic
 *       fed with observations and {@code nowNanos}; each change is an immutable {@link
 *       net.coopwan.daemon.uplink.failure.UplinkVerdict} with reason, evidence and how long the
 *       evidence had been building, logged as one line.</li>
 *   <li>{@link net.coopwan.daemon.uplink.failure.UplinkFailureSettings}: the numbers, with the
 *       false-failure arithmetic behind the defaults.</li>
 *   <li>{@link net.coopwan.daemon.uplink.failure.Prober}: one target's probes on the wire, with
 *       {@link net.coopwan.daemon.uplink.failure.IcmpProber} (raw ICMP echo) and {@link
 *       net.coopwan.daemon.uplink.failure.UdpProber}, both bound to the uplink device with
 *       SO_BINDTODEVICE through jnr-ffi, so a probe leaves through the uplink whatever the routing
 *       of LAN traffic says.</li>
 *   <li>{@link net.coopwan.daemon.uplink.failure.UplinkFailureRunner}: one thread that reads the
 *       device ({@link net.coopwan.daemon.uplink.failure.DeviceReader}, really {@link
 *       net.coopwan.daemon.uplink.failure.SysfsDeviceReader}: carrier and packet counters), sends
 *       the probes, feeds the detector and tells a {@link
 *       net.coopwan.daemon.uplink.failure.UplinkFailureListener} of each change.</li>
 * </ul>
 * Design notes, defaults and the arithmetic: {@code docs/failure-detection.md}.
 */
package net.coopwan.daemon.uplink.failure;
