package net.coopwan.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * {@code BeaconSender ADDRESS PORT HEX [COUNT]}: sends the bytes HEX as UDP datagrams (SO_BROADCAST
 * set) to ADDRESS:PORT, COUNT times (default 1), 50 ms apart. The "third socket" of the discovery
 * lab test, run inside a namespace with {@code ip netns exec}; only the JDK on its class path.
 */
public final class BeaconSender {

    private BeaconSender() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress to = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        byte[] payload = HexFormat.of().parseHex(args[2]);
        int count = args.length > 3 ? Math.min(1000, Integer.parseInt(args[3])) : 1;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setBroadcast(true);
            for (int i = 0; i < count; i++) {
                s.send(new DatagramPacket(payload, payload.length, to, port));
                Thread.sleep(50);
            }
        }
    }
}
