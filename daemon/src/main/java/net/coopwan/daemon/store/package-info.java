/**
 * Runtime state in one H2 file under the state directory: versioned schema migrations, the event
 * log, and peers, pending approvals and agreements ({@link net.coopwan.daemon.store.AgreementStore}).
 * Configuration is not stored here (it lives in UCI); nothing is stored twice.
 */
package net.coopwan.daemon.store;
