/**
 * Wiring: a lean Jetty (small thread pool, one acceptor, one selector, no sessions, no
 * annotation scanning) with Jersey mounted as a servlet whose resources and providers are
 * registered one by one, because classpath scanning costs start-up time a router cannot spare.
 */
package net.coopwan.webui.server;
