package net.coopwan.daemon.coop.duplication;

import java.util.Arrays;

/**
 * RAIC-5 over three paths (seed 001 [0252]): the packet is split into halves A and B of equal
 * size, and the three split copies A, B and A^B go one per path; any two rebuild it ("#1 missing
 * -> A = #3^#2; #2 missing -> B = #3^#1; #3 missing -> A||B"). An odd length is padded with one
 * zero byte ("padding may be used"); the original length travels in the wrapper
 * ({@link LcCopy#originalLength()}, the notes' resolution), so the pad is cut off exactly.
 *
 * <p>Only with three or more paths ({@link #usable}): with two real paths (own + neighbour) one
 * path would carry two of the three parts, and losing that path loses the packet, which plain
 * duplication (RAIC-1) over the same two paths survives. The cost is 1.5x the packet instead of
 * 2x for two whole copies or 3x for three.
 */
public final class Raic5 {
    /** Parts per packet: A, B, A^B. */
    public static final int PARTS = 3;
    public static final int A = 0;
    public static final int B = 1;
    public static final int XOR = 2;

    private Raic5() {
    }

    /** RAIC-5 needs a path per part. */
    public static boolean usable(int paths) {
        return paths >= PARTS;
    }

    /** Length of each part for a packet of {@code length} bytes: half, rounded up. */
    public static int partLength(int length) {
        return (length + 1) / 2;
    }

    /** The three parts of {@code packet}: index {@link #A}, {@link #B}, {@link #XOR}. */
    public static byte[][] split(byte[] packet) {
        int h = partLength(packet.length);
        byte[] a = Arrays.copyOfRange(packet, 0, h);
        byte[] b = Arrays.copyOfRange(packet, h, 2 * h); // zero-padded past the end
        byte[] x = new byte[h];
        for (int i = 0; i < h; i++) {
            x[i] = (byte) (a[i] ^ b[i]);
        }
        return new byte[][] {a, b, x};
    }

    /**
     * Rebuilds the packet of {@code originalLength} bytes from {@code parts} (indexed as in
     * {@link #split}, null where missing). Needs any two parts of {@code partLength(originalLength)}
     * bytes each; returns null when fewer than two are present.
     */
    public static byte[] recover(byte[][] parts, int originalLength) {
        if (parts.length != PARTS || originalLength < 0) {
            throw new IllegalArgumentException("three parts and a length >= 0");
        }
        int h = partLength(originalLength);
        int present = 0;
        for (byte[] p : parts) {
            if (p != null) {
                if (p.length != h) {
                    throw new IllegalArgumentException("part of " + p.length + " bytes, expected " + h);
                }
                present++;
            }
        }
        if (present < 2) {
            return null;
        }
        byte[] a = parts[A] != null ? parts[A] : xor(parts[XOR], parts[B]);
        byte[] b = parts[B] != null ? parts[B] : xor(parts[XOR], parts[A]);
        byte[] out = new byte[originalLength];
        System.arraycopy(a, 0, out, 0, h);
        System.arraycopy(b, 0, out, h, originalLength - h);
        return out;
    }

    private static byte[] xor(byte[] p, byte[] q) {
        byte[] r = new byte[p.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (p[i] ^ q[i]);
        }
        return r;
    }
}
