package net.coopwan.daemon.coop.sharing.hosts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a DNS response (RFC 1035) says about its one question: the names its CNAME chain goes
 * through and the IPv4 addresses (A records) at the end of it, with their TTLs. Records that do
 * not hang on the question's chain are ignored, and so are other types (AAAA among them: the
 * borrower moves IPv4 sessions only) and the authority and additional sections.
 *
 * <p>Bounded: every length is checked against the message, a name is at most 255 bytes and its
 * labels 63, a compression pointer must point backwards (before the pointer itself, so following
 * pointers always ends) and a name follows at most {@value #MAX_POINTERS} of them. A name is
 * lowercased ASCII; other bytes are kept as they are (ISO 8859-1).
 *
 * @param names     the question and every name the chain leads to, in order (lowercase, no final dot)
 * @param addresses the A records of those names
 */
public record DnsAnswer(List<String> names, List<Address> addresses) {

    /** An A record: the address (network order read big-endian) and its TTL in seconds (RFC 2181: 0..2^31-1). */
    public record Address(int address, long ttlSeconds) {
    }

    static final int HEADER = 12;
    static final int MAX_POINTERS = 32;
    static final int MAX_NAME = 255;
    static final int TYPE_A = 1;
    static final int TYPE_CNAME = 5;
    static final int CLASS_IN = 1;

    public DnsAnswer {
        names = List.copyOf(names);
        addresses = List.copyOf(addresses);
    }

    private record Rr(String owner, int type, long ttl, int rdata, int rdlength) {
    }

    /** Parses the DNS message in {@code len} bytes of {@code b} from {@code off}. */
    public static DnsAnswer parse(byte[] b, int off, int len) throws HostFormatException {
        Bytes.require(b, off, len);
        int end = off + len;
        if (len < HEADER) {
            throw malformed(len + " bytes, less than a DNS header");
        }
        int flags = Bytes.u16(b, off + 2);
        if ((flags & 0x8000) == 0) {
            throw malformed("a query, not a response");
        }
        int questions = Bytes.u16(b, off + 4);
        int answers = Bytes.u16(b, off + 6);
        if (questions != 1) {
            throw malformed(questions + " questions");
        }
        int[] pos = {off + HEADER};
        String question = name(b, off, end, pos);
        need(pos[0] + 4, end, "the question's type and class");
        pos[0] += 4;
        List<Rr> records = new ArrayList<>();
        for (int i = 0; i < answers; i++) {
            String owner = name(b, off, end, pos);
            need(pos[0] + 10, end, "a record's fixed part");
            int type = Bytes.u16(b, pos[0]);
            int cls = Bytes.u16(b, pos[0] + 2);
            long ttl = Bytes.u32(b, pos[0] + 4) & 0xffff_ffffL;
            int rdlength = Bytes.u16(b, pos[0] + 8);
            int rdata = pos[0] + 10;
            need(rdata + rdlength, end, "a record's data");
            pos[0] = rdata + rdlength;
            if (cls == CLASS_IN && (type == TYPE_A || type == TYPE_CNAME)) {
                records.add(new Rr(owner, type, ttl > Integer.MAX_VALUE ? 0 : ttl, rdata, rdlength));
            }
        }
        Set<String> chain = new LinkedHashSet<>();
        chain.add(question);
        List<String[]> cnames = new ArrayList<>();
        for (Rr r : records) {
            if (r.type() == TYPE_CNAME) {
                int[] at = {r.rdata()};
                String target = name(b, off, r.rdata() + r.rdlength(), at);
                if (at[0] != r.rdata() + r.rdlength()) {
                    throw malformed("CNAME data of " + r.rdlength() + " bytes holds a name of " + (at[0] - r.rdata()));
                }
                cnames.add(new String[] {r.owner(), target});
            }
        }
        // each pass adds a name or ends, so at most one pass per CNAME
        for (boolean grew = true; grew; ) {
            grew = false;
            for (String[] c : cnames) {
                if (chain.contains(c[0]) && chain.add(c[1])) {
                    grew = true;
                }
            }
        }
        List<Address> addresses = new ArrayList<>();
        for (Rr r : records) {
            if (r.type() == TYPE_A && chain.contains(r.owner())) {
                if (r.rdlength() != 4) {
                    throw malformed("A record of " + r.rdlength() + " bytes");
                }
                addresses.add(new Address(Bytes.u32(b, r.rdata()), r.ttl()));
            }
        }
        return new DnsAnswer(new ArrayList<>(chain), addresses);
    }

    /**
     * Reads the name at {@code pos[0]} (inside {@code message..end}) and leaves {@code pos[0]} after
     * it (after its first pointer, where there is one). Pointers are offsets from {@code message}.
     */
    static String name(byte[] b, int message, int end, int[] pos) throws HostFormatException {
        StringBuilder s = new StringBuilder();
        int p = pos[0];
        int after = -1;
        int pointers = 0;
        int wire = 1; // the final zero byte
        while (true) {
            need(p + 1, end, "a name");
            int l = b[p] & 0xff;
            if (l == 0) {
                if (after < 0) {
                    after = p + 1;
                }
                break;
            }
            if ((l & 0xc0) == 0xc0) {
                need(p + 2, end, "a compression pointer");
                int target = message + ((l & 0x3f) << 8 | (b[p + 1] & 0xff));
                if (target >= p) {
                    throw malformed("a compression pointer that does not point backwards");
                }
                if (++pointers > MAX_POINTERS) {
                    throw malformed("more than " + MAX_POINTERS + " compression pointers in a name");
                }
                if (after < 0) {
                    after = p + 2;
                }
                p = target;
                continue;
            }
            if ((l & 0xc0) != 0) {
                throw malformed("label type " + (l >> 6));
            }
            need(p + 1 + l, end, "a label");
            wire += 1 + l;
            if (wire > MAX_NAME) {
                throw malformed("a name longer than " + MAX_NAME + " bytes");
            }
            if (s.length() > 0) {
                s.append('.');
            }
            for (int i = p + 1; i <= p + l; i++) {
                s.append((char) (b[i] & 0xff));
            }
            p += 1 + l;
        }
        pos[0] = after;
        return s.toString().toLowerCase(Locale.ROOT);
    }

    private static void need(int upTo, int end, String what) throws HostFormatException {
        if (upTo > end) {
            throw malformed(what + " runs past the end of the message");
        }
    }

    private static HostFormatException malformed(String why) {
        return new HostFormatException(HostDrop.HOSTS_DNS_MALFORMED, why);
    }
}
