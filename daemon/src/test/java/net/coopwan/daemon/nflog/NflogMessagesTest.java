package net.coopwan.daemon.nflog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The netlink layout both ways; random and mutated datagrams give packets, answers or the format error only. */
class NflogMessagesTest {

    /** What the kernel sends for one copied packet: nlmsghdr, nfgenmsg, a hardware-type attribute, the payload. */
    static byte[] packetMessage(byte[] payload) {
        int attrs = 8 + NflogMessages.align(4 + payload.length);
        int len = 16 + 4 + attrs;
        ByteBuffer b = ByteBuffer.allocate(len).order(NflogMessages.HOST);
        b.putInt(len).putShort((short) NflogMessages.NFULNL_MSG_PACKET).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) 2).put((byte) 0).putShort((short) 0);
        b.putShort((short) 6).putShort((short) 15).putShort((short) 1).putShort((short) 0); // NFULA_HWTYPE, padded
        b.putShort((short) (4 + payload.length)).putShort((short) NflogMessages.NFULA_PAYLOAD).put(payload);
        return b.array();
    }

    static final class Recorder implements NflogMessages.Sink {
        final List<byte[]> packets = new ArrayList<>();
        final List<int[]> answers = new ArrayList<>();

        @Override
        public void packet(byte[] buf, int off, int len) {
            packets.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void answer(int seq, int errno) {
            answers.add(new int[] {seq, errno});
        }
    }

    @Test
    void aConfigRequestHasTheLayoutTheKernelReads() {
        ByteBuffer m = ByteBuffer.wrap(NflogMessages.command(7, 0, 31085, NflogMessages.CMD_BIND)).order(NflogMessages.HOST);
        assertEquals(28, m.getInt(0));
        assertEquals(0x0401, m.getShort(4));
        assertEquals(5, m.getShort(6), "request and ack");
        assertEquals(7, m.getInt(8));
        assertEquals(31085, ((m.get(18) & 0xff) << 8) | (m.get(19) & 0xff), "res_id in network order");
        assertEquals(5, m.getShort(20), "attribute of 4 + 1 bytes");
        assertEquals(1, m.getShort(22));
        assertEquals(1, m.get(24));
        byte[] mode = NflogMessages.copyPackets(8, 31085, 4096);
        assertArrayEquals(new byte[] {0, 0, 0x10, 0, 2, 0}, Arrays.copyOfRange(mode, 24, 30), "copy range, then mode packet");
    }

    @Test
    void packetsAndAnswersAreSplitOut() throws Exception {
        byte[] one = packetMessage(new byte[] {0x45, 1, 2});
        byte[] two = packetMessage(new byte[] {0x45, 9, 9, 9, 9});
        ByteBuffer ack = ByteBuffer.allocate(36).order(NflogMessages.HOST).putInt(36).putShort((short) 2).putShort((short) 0)
                .putInt(7).putInt(0).putInt(-16);
        byte[] all = ByteBuffer.allocate(one.length + two.length + 36).put(one).put(two).put(ack.array()).array();
        Recorder r = new Recorder();
        NflogMessages.parse(all, all.length, r);
        assertEquals(2, r.packets.size());
        assertArrayEquals(new byte[] {0x45, 9, 9, 9, 9}, r.packets.get(1));
        assertArrayEquals(new int[] {7, 16}, r.answers.get(0));
        assertThrows(NflogFormatException.class, () -> NflogMessages.parse(all, one.length - 1, new Recorder()));
    }

    @Test
    void randomAndMutatedDatagramsNeverBreakTheParser() {
        Random random = new Random(0x5EED_0004L);
        byte[] valid = packetMessage(new byte[40]);
        int malformed = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] b;
            if (random.nextBoolean()) {
                b = new byte[random.nextInt(80)];
                random.nextBytes(b);
            } else {
                b = Arrays.copyOf(valid, 1 + random.nextInt(valid.length + 8));
                b[random.nextInt(Math.max(1, Math.min(b.length, 28)))] ^= (byte) (1 + random.nextInt(255));
            }
            try {
                NflogMessages.parse(b, b.length, new Recorder());
            } catch (NflogFormatException e) {
                malformed++;
            } catch (RuntimeException e) {
                throw new AssertionError("unexpected " + e + " for " + java.util.HexFormat.of().formatHex(b), e);
            }
        }
        assertTrue(malformed > 1000, malformed + " malformed");
    }
}
