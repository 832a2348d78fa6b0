package net.coopwan.daemon.coop.sharing.hosts;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the packets the parsers read, for tests: DNS responses (the question's name written once,
 * the answers' owners as compression pointers to it where they repeat it), TLS ClientHellos, and
 * IPv4 packets around them. Public: the netns test's resolver answers with these.
 */
public final class Packets {

    /** An answer record: {@code owner} CNAME {@code target}, or {@code owner} A {@code address}. */
    public record Rr(String owner, String target, int address, long ttl) {
        public static Rr cname(String owner, String target) {
            return new Rr(owner, target, 0, 300);
        }

        public static Rr a(String owner, int address, long ttl) {
            return new Rr(owner, null, address, ttl);
        }
    }

    private Packets() {
    }

    public static int address(String dotted) {
        int v = 0;
        for (String p : dotted.split("\\.")) {
            v = v << 8 | Integer.parseInt(p);
        }
        return v;
    }

    static void name(ByteArrayOutputStream o, String question, String name) {
        if (name.equals(question)) {
            o.write(0xc0);
            o.write(12);
            return;
        }
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            o.write(l.length);
            o.writeBytes(l);
        }
        o.write(0);
    }

    /** A response with id {@code id} to the query for {@code question} (type A), with {@code answers}. */
    public static byte[] dnsAnswer(int id, String question, List<Rr> answers) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(ByteBuffer.allocate(12).putShort((short) id).putShort((short) 0x8180).putShort((short) 1)
                .putShort((short) answers.size()).putShort((short) 0).putShort((short) 0).array());
        name(o, "", question);
        o.writeBytes(new byte[] {0, 1, 0, 1});
        for (Rr r : answers) {
            name(o, question, r.owner());
            boolean cname = r.target() != null;
            byte[] rdata;
            if (cname) {
                ByteArrayOutputStream t = new ByteArrayOutputStream();
                name(t, "", r.target());
                rdata = t.toByteArray();
            } else {
                rdata = ByteBuffer.allocate(4).putInt(r.address()).array();
            }
            o.writeBytes(ByteBuffer.allocate(10).putShort((short) (cname ? 5 : 1)).putShort((short) 1)
                    .putInt((int) r.ttl()).putShort((short) rdata.length).array());
            o.writeBytes(rdata);
        }
        return o.toByteArray();
    }

    /** A TLS 1.2-framed ClientHello with a supported_groups extension before server_name (none when null). */
    public static byte[] clientHello(String sni) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(new byte[] {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d}); // supported_groups: x25519
        if (sni != null) {
            byte[] n = sni.getBytes(StandardCharsets.US_ASCII);
            ext.writeBytes(ByteBuffer.allocate(9 + n.length).putShort((short) 0).putShort((short) (5 + n.length))
                    .putShort((short) (3 + n.length)).put((byte) 0).putShort((short) n.length).put(n).array());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(new byte[32]);
        body.write(0); // no session id
        body.writeBytes(new byte[] {0, 4, 0x13, 0x01, 0x13, 0x02});
        body.writeBytes(new byte[] {1, 0});
        body.writeBytes(ByteBuffer.allocate(2).putShort((short) ext.size()).array());
        body.writeBytes(ext.toByteArray());
        byte[] hello = body.toByteArray();
        return ByteBuffer.allocate(9 + hello.length).put((byte) 22).put((byte) 3).put((byte) 1)
                .putShort((short) (4 + hello.length)).put((byte) 1).put((byte) 0).putShort((short) hello.length).put(hello)
                .array();
    }

    /** An IPv4 packet of {@code protocol} (UDP 17 or TCP 6) carrying {@code payload}. */
    public static byte[] ipv4(int protocol, int src, int dst, int sport, int dport, byte[] payload) {
        int l4 = protocol == 17 ? 8 : 20;
        int total = 20 + l4 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0).put((byte) 64).put((byte) protocol)
                .putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport);
        if (protocol == 17) {
            b.putShort((short) (8 + payload.length)).putShort((short) 0);
        } else {
            b.putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x18).putShort((short) 65535).putInt(0);
        }
        b.put(payload);
        return b.array();
    }
}
