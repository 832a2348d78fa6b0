package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class Ipv4CidrTest {

    @Test
    void parsesAndPrints() {
        Ipv4Cidr c = Ipv4Cidr.parse("100.64.50.1/24");
        assertEquals("100.64.50.1/24", c.toString());
        assertFalse(c.isNetwork());
        assertTrue(Ipv4Cidr.parse("100.64.50.0/24").isNetwork());
        assertTrue(Ipv4Cidr.parse("198.18.50.2/32").isNetwork());
        assertTrue(Ipv4Cidr.parse("0.0.0.0/0").isNetwork());
        assertFalse(Ipv4Cidr.parse("100.64.0.0/0").isNetwork());
    }

    /** Random text never escapes as anything but IllegalArgumentException, and what parses round-trips. */
    @Test
    void randomTextEitherParsesToItselfOrIsRefusedCleanly() {
        Random r = new Random(42);
        String alphabet = "0123456789./ \n\"{};x-";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(20);
            for (int j = 0; j < len; j++) {
                b.append(alphabet.charAt(r.nextInt(r.nextBoolean() ? 11 : alphabet.length())));
            }
            String s = b.toString();
            try {
                assertEquals(s, Ipv4Cidr.parse(s).toString());
            } catch (IllegalArgumentException expected) {
                // refused with a message; that is the contract
            }
        }
    }

    @Test
    void randomValidCidrsRoundTrip() {
        Random r = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String s = r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "/" + r.nextInt(33);
            assertEquals(s, Ipv4Cidr.parse(s).toString());
        }
    }

    @Test
    void refusesNull() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse(null));
    }
}
