/**
 * Runtime state in one H2 file under the state directory: versioned schema migrations and the
 * event log. Configuration is not stored here (it lives in UCI); nothing is stored twice.
 */
package net.coopwan.daemon.store;
