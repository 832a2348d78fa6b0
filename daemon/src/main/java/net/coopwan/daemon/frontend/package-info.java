/**
 * The SPI management front-ends implement. The daemon finds them with {@link java.util.ServiceLoader}
 * and knows nothing else about them, so dependencies point one way: daemon &lt;- front-ends.
 */
package net.coopwan.daemon.frontend;
