/** The {@code coopwan} command: one entry point dispatching to the daemon, ctl and admin tools. */
package net.coopwan.launcher;
