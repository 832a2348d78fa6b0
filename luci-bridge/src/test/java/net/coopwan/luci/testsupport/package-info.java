/**
 * Test helpers: a real daemon with the control socket started in a temporary directory
 * ({@link net.coopwan.luci.testsupport.RunningSocket}) and a raw line client that can send any
 * bytes ({@link net.coopwan.luci.testsupport.RawClient}).
 */
package net.coopwan.luci.testsupport;
