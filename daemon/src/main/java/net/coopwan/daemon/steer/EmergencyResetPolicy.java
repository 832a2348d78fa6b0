package net.coopwan.daemon.steer;

/**
 * Which TCP sessions a requester resets when its LAN changes path (seed 001 step 330 [0129] and
 * recovery [0136]): a session cannot survive a change of public address, so without a reset an
 * application hangs until its own timeout; with one it reconnects at once.
 */
public enum EmergencyResetPolicy {
    /** Every TCP session from the LAN that started on the other path gets an RST when it next sends. */
    ALL,
    /** No reset rules: sessions that started on the other path time out by themselves. */
    NONE
}
