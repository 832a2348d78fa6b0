package net.coopwan.daemon.secure;

import java.security.SecureRandom;

/**
 * The code shown on one router and typed on the other: 8 decimal digits (10^8 values), shown
 * grouped as {@code 1234-5678}. Digits only, so it can be typed on any keyboard and read over
 * the phone; J-PAKE makes an eavesdropper unable to test guesses offline, so 8 digits with an
 * attempt limit (see {@link PairingAttempts}) are enough.
 */
public final class PairingCode {
    public static final int DIGITS = 8;

    private final String digits;

    private PairingCode(String digits) {
        this.digits = digits;
    }

    /** A uniformly random code. */
    public static PairingCode generate(SecureRandom random) {
        return new PairingCode(String.format("%08d", random.nextInt(100_000_000)));
    }

    /**
     * Parses what the owner typed: exactly 8 digits, ignoring spaces, tabs and dashes anywhere.
     */
    public static PairingCode parse(String typed) throws PairingException {
        if (typed == null) {
            throw new PairingException(PairingFailure.BAD_CODE_FORMAT, "no code given");
        }
        if (typed.length() > 64) {
            throw new PairingException(PairingFailure.BAD_CODE_FORMAT, "code too long");
        }
        StringBuilder b = new StringBuilder(DIGITS);
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            } else if (c != ' ' && c != '-' && c != '\t') {
                throw new PairingException(PairingFailure.BAD_CODE_FORMAT,
                        "the code has only digits, spaces and dashes; found '" + (Character.isISOControl(c) ? '?' : c) + "'");
            }
        }
        if (b.length() != DIGITS) {
            throw new PairingException(PairingFailure.BAD_CODE_FORMAT,
                    "the code has " + DIGITS + " digits, got " + b.length());
        }
        return new PairingCode(b.toString());
    }

    /** The 8 digits without separator. */
    public String digits() {
        return digits;
    }

    /** {@code 1234-5678}, as shown to the owner. */
    public String display() {
        return digits.substring(0, 4) + "-" + digits.substring(4);
    }

    char[] password() {
        return digits.toCharArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairingCode && ((PairingCode) o).digits.equals(digits);
    }

    @Override
    public int hashCode() {
        return digits.hashCode();
    }

    /** Never prints the code (logs). */
    @Override
    public String toString() {
        return "PairingCode[****-****]";
    }
}
