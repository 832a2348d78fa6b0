/**
 * The borrower's download hosts (seed 001 [0146]; docs/PROTOCOL.md 3.13): which addresses serve
 * names or URLs that match a {@code config sharing} avoid pattern, learned from copies of the
 * DNS answers the LAN receives and of the first data of its new web sessions (TLS SNI, the HTTP
 * request line and Host), so that new sessions to them stay on the own uplink.
 *
 * <p>Parsers of network input, each bounded and length-checked, failing only with
 * {@link net.coopwan.daemon.coop.sharing.hosts.HostFormatException} (a counted
 * {@link net.coopwan.daemon.coop.sharing.hosts.HostDrop}):
 * {@link net.coopwan.daemon.coop.sharing.hosts.Ipv4Segment},
 * {@link net.coopwan.daemon.coop.sharing.hosts.DnsAnswer},
 * {@link net.coopwan.daemon.coop.sharing.hosts.TlsClientHello},
 * {@link net.coopwan.daemon.coop.sharing.hosts.HttpRequest}. The learning itself (which addresses,
 * for how long, the bound on how many) is {@link net.coopwan.daemon.coop.sharing.hosts.DownloadHosts};
 * it knows neither the kernel nor the socket: the copies come from {@code nflog}, the addresses go
 * to {@code steer.SharingBorrowerRules}'s set {@code avoid} through an interface.
 */
package net.coopwan.daemon.coop.sharing.hosts;
