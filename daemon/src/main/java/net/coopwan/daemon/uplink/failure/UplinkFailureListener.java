package net.coopwan.daemon.uplink.failure;

/**
 * Told of each change of an uplink's state (HEALTHY to FAILED or back), on the runner's thread:
 * keep it short or hand the verdict to another thread, because the next tick waits for it. An
 * exception it throws is logged and counted, never stops the runner.
 */
@FunctionalInterface
public interface UplinkFailureListener {

    /** @param verdict the decision, with its one-line form {@link UplinkVerdict#line()} */
    void onChange(String device, UplinkVerdict verdict);
}
