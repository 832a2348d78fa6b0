/**
 * The admin web UI front-end: {@link net.coopwan.webui.WebFrontEnd}, found by the daemon through
 * {@code META-INF/services}. Sub-packages: {@code server} (Jetty and Jersey wiring), {@code http}
 * (access rules and errors), {@code auth} (logins, sessions, CSRF tokens), {@code api} (REST),
 * {@code pages} (HTML).
 */
package net.coopwan.webui;
