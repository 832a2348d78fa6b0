/**
 * Tests of the OpenWrt side, which Maven does not build: the rpcd exec plugin run with {@code sh},
 * the rpcd ACL and LuCI menu files, and the LuCI JS view run under node with stand-ins for LuCI.
 */
package net.coopwan.luci.openwrt;
