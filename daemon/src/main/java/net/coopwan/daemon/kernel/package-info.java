/**
 * What the kernel says about network interfaces, read from /sys/class/net. Behind the narrow
 * {@link net.coopwan.daemon.kernel.KernelInterfaces} interface so logic can be tested on a fake tree.
 */
package net.coopwan.daemon.kernel;
