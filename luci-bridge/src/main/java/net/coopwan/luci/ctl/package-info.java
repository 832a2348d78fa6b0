/**
 * {@code coopwan ctl}: the command-line client of the control socket ({@link net.coopwan.luci.ctl.CtlCommand}),
 * its argument parsing ({@link net.coopwan.luci.ctl.CtlArgs}) and its human-readable output
 * ({@link net.coopwan.luci.ctl.HumanFormat}, {@link net.coopwan.luci.ctl.Table}).
 */
package net.coopwan.luci.ctl;
