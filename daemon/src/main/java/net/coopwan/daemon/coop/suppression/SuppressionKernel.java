package net.coopwan.daemon.coop.suppression;

/**
 * The kernel's suppression of this router's other traffic, one for the whole router: the real
 * one is {@link KernelSuppression} (steer's {@code inet coopwan_supp}); unit tests record calls.
 */
public interface SuppressionKernel {

    /** Enforce from now on with this drop ceiling (0..100); repeated calls replace the ceiling. */
    void enforce(int maxDropPercent);

    /** No enforcement: nothing of it is left in the kernel. */
    void release();

    /** Time passes (the service's tick, every 50 ms): what enforcement does later, by its own clock. */
    default void tick() {
    }
}
