package net.coopwan.daemon.schedule;

/**
 * Weights from measured available bandwidths (seed 002 W2). The paper: "the VPN weight of the
 * worst connection is set equal to 1; the VPN weight of the best connection is set equal to
 * Abetter/Aworst", for two links. For N links (OURS, the same for N = 2): w_i = A_i / A_min, with
 * A_min the smallest positive A_i; a link with A_i = 0 gets weight 0 (W3).
 */
public final class Weights {

    private Weights() {
    }

    /**
     * @param available measured bandwidth per link, any unit; negative or NaN counts as 0
     * @return one weight per link; all 0 when no link has bandwidth. What to do then (keep the last
     *         vector, report the bond down, raise an alarm: W3) is the caller's decision.
     */
    public static double[] fromAvailable(double[] available) {
        double min = Double.POSITIVE_INFINITY;
        for (double a : available) {
            if (a > 0 && a < min) {
                min = a;
            }
        }
        double[] w = new double[available.length];
        if (min == Double.POSITIVE_INFINITY) {
            return w;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = available[i] > 0 ? available[i] / min : 0;
        }
        return w;
    }
}
