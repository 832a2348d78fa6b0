/**
 * The bonding data plane at run time: the threads that move packets between a TUN interface and
 * the UDP tunnels of its member links, on the router ({@link net.coopwan.daemon.datapath.BondDataPath},
 * one per bond with a far end) and on the concentrator ({@link net.coopwan.daemon.datapath.Concentrator}).
 *
 * <p>Only tunnelled packets pass through here; ordinary traffic stays in the kernel. Per packet
 * the work is one read, one seal or open in place, one write: frames are reused, nothing is
 * allocated. Each side has one sender thread (TUN to links), one receiver thread (links to TUN,
 * owning the reorder buffer) and one timer thread (keep-alives, link health, handshake retries,
 * SLoPS rounds). The wire format is {@link net.coopwan.daemon.tunnel}; the decisions come from
 * {@link net.coopwan.daemon.schedule}, {@link net.coopwan.daemon.reorder} and
 * {@link net.coopwan.daemon.measure}.
 */
package net.coopwan.daemon.datapath;
