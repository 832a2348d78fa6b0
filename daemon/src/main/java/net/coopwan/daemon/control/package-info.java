/** The daemon's implementation of {@link net.coopwan.daemon.api.ControlApi}. */
package net.coopwan.daemon.control;
