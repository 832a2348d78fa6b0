package net.coopwan.daemon.secure;

import java.math.BigInteger;
import java.util.Objects;

/** The three J-PAKE messages each side sends, as immutable records. Codec: {@link PairingCodec}. */
public final class PairingMessages {
    private PairingMessages() {
    }

    /** A Schnorr zero-knowledge proof of knowledge of an exponent: {g^v, r}. */
    public record Zkp(BigInteger gv, BigInteger r) {
        public Zkp {
            Objects.requireNonNull(gv, "gv");
            Objects.requireNonNull(r, "r");
        }

        BigInteger[] toArray() {
            return new BigInteger[] {gv, r};
        }

        static Zkp of(BigInteger[] a) {
            return new Zkp(a[0], a[1]);
        }
    }

    /** Sealed family of the three messages. */
    public sealed interface Message permits Round1, Round2, Round3 {
        String participantId();
    }

    /** Round 1: g^x1, g^x2 and proofs of x1, x2. */
    public record Round1(String participantId, BigInteger gx1, BigInteger gx2, Zkp zkpX1, Zkp zkpX2)
            implements Message {
        public Round1 {
            Objects.requireNonNull(participantId, "participantId");
            Objects.requireNonNull(gx1, "gx1");
            Objects.requireNonNull(gx2, "gx2");
            Objects.requireNonNull(zkpX1, "zkpX1");
            Objects.requireNonNull(zkpX2, "zkpX2");
        }
    }

    /** Round 2: A = (g^(x1+x3+x4))^(x2*s) and the proof of x2*s. */
    public record Round2(String participantId, BigInteger a, Zkp zkpX2s) implements Message {
        public Round2 {
            Objects.requireNonNull(participantId, "participantId");
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(zkpX2s, "zkpX2s");
        }
    }

    /** Round 3: the key confirmation MAC tag (NIST SP 800-56A explicit key confirmation). */
    public record Round3(String participantId, BigInteger macTag) implements Message {
        public Round3 {
            Objects.requireNonNull(participantId, "participantId");
            Objects.requireNonNull(macTag, "macTag");
        }
    }
}
