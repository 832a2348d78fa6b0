/**
 * JSON-RPC 2.0 over the control socket, independent of the transport: parsing and validating a
 * request line ({@link net.coopwan.luci.rpc.JsonRpcHandler}), the method table that maps
 * {@code status}, {@code uplinks}, {@code interfaces}, {@code events}, {@code reload} and
 * {@code version} onto {@link net.coopwan.daemon.api.ControlApi} ({@link net.coopwan.luci.rpc.RpcMethods}),
 * and the one Jackson configuration both the server and {@code coopwan ctl} use ({@link net.coopwan.luci.rpc.Json}).
 */
package net.coopwan.luci.rpc;
