/**
 * The REST API under {@code /api/v1}: JSON views of the {@link net.coopwan.daemon.api.ControlApi}
 * for scripts and other tools. Each method is a thin call into the ControlApi; the rules live there.
 */
package net.coopwan.webui.api;
