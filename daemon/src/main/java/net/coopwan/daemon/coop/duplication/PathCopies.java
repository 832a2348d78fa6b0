package net.coopwan.daemon.coop.duplication;

/**
 * How many copies of each LC packet go over one path ([0251]: zero or more per interface).
 *
 * @param path   the tunnel member link index (0..15) the copies go on: the router's own uplink,
 *               or the member that runs through the neighbour
 * @param copies 0..{@link #MAX_COPIES}
 */
public record PathCopies(int path, int copies) {
    /** Each copy is a whole packet on the uplink; more than 8 in one interval helps nobody. */
    public static final int MAX_COPIES = 8;

    public PathCopies {
        if (path < 0 || path > 15) {
            throw new IllegalArgumentException("path must be a link index 0..15: " + path);
        }
        if (copies < 0 || copies > MAX_COPIES) {
            throw new IllegalArgumentException("copies must be 0.." + MAX_COPIES + ": " + copies);
        }
    }
}
