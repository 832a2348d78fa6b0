package net.coopwan.daemon.steer;

/**
 * The small Python programs the emergency netns tests run inside namespaces (python3 is on every
 * test host; Java in a namespace would need a second JVM per end).
 */
final class EmergencyPy {
    private EmergencyPy() {
    }

    /**
     * UDP receiver: {@code ADDR PORT[,PORT...] DEADLINE_S IDLE_S}. Prints "ready", then at the end
     * one line per datagram "rx_ns payload_len src_addr port" with the kernel's receive timestamp
     * (SO_TIMESTAMPNS, taken when the packet is queued, right after the helper forwarded it), "end".
     * With a fifth argument {@code HOST:PORT} each socket first sends one datagram there (a
     * download: the far end's {@link #REPLY_BLASTER} answers to the address it came from).
     */
    static final String RECEIVER = """
            import select, socket, struct, sys, time
            addr, ports, deadline, idle = sys.argv[1], [int(p) for p in sys.argv[2].split(",")], float(sys.argv[3]), float(sys.argv[4])
            hello = sys.argv[5].split(":") if len(sys.argv) > 5 else None
            TS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux: SO_TIMESTAMPNS = SCM_TIMESTAMPNS = 35
            socks = {}
            for p in ports:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, TS, 1)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                s.bind((addr, p))
                s.setblocking(False)
                socks[s] = p
                if hello:
                    s.sendto(b"hello", (hello[0], int(hello[1])))
            print("ready", flush=True)
            end = time.monotonic() + deadline
            last = None
            out = []
            while time.monotonic() < end and not (last and time.monotonic() - last > idle):
                ready, _, _ = select.select(list(socks), [], [], 0.1)
                for s in ready:
                    while True:
                        try:
                            data, anc, _, src = s.recvmsg(65535, 256)
                        except BlockingIOError:
                            break
                        ts = 0
                        for level, kind, d in anc:
                            if level == socket.SOL_SOCKET and kind == TS:
                                sec, ns = struct.unpack("qq", d[:16])
                                ts = sec * 1000000000 + ns
                        out.append("%d %d %s %d" % (ts, len(data), src[0], socks[s]))
                        last = time.monotonic()
            for l in out:
                print(l)
            print("end", flush=True)
            """;

    /** Sends {@code round(rate * secs)} copies of {@code payload} on socket {@code s} to {@code target} at a steady rate and prints how many. */
    private static final String STEADY = """
            n = 0
            start = time.monotonic()
            while n < round(rate * secs):
                due = start + n / rate
                now = time.monotonic()
                if due > now:
                    time.sleep(due - now)
                s.sendto(payload, target)
                n += 1
            print(n, flush=True)
            """;

    /** UDP sender at a steady rate: {@code DST PORT PAYLOAD_LEN PACKETS_PER_S SECONDS}; sends rate * seconds datagrams and prints how many. */
    static final String BLASTER = """
            import socket, sys, time
            dst, port, size, rate, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            payload = b"x" * size
            target = (dst, port)
            """ + STEADY;

    /**
     * UDP sender of a download: {@code ADDR PORT PAYLOAD_LEN PACKETS_PER_S SECONDS}. Prints
     * "ready", waits (at most 10 s) for one datagram, then sends as {@link #BLASTER} does back to
     * where it came from.
     */
    static final String REPLY_BLASTER = """
            import socket, sys, time
            addr, port, size, rate, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, port))
            s.settimeout(10)
            print("ready", flush=True)
            _, target = s.recvfrom(2048)
            payload = b"x" * size
            """ + STEADY;

    /** TCP echo server: {@code ADDR PORT}; prints "listening", serves until killed. */
    static final String ECHO_SERVER = """
            import socket, sys, threading
            srv = socket.socket()
            srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind((sys.argv[1], int(sys.argv[2])))
            srv.listen(8)
            print("listening", flush=True)
            def serve(c):
                try:
                    while True:
                        d = c.recv(4096)
                        if not d:
                            break
                        c.sendall(d)
                except OSError:
                    pass
            while True:
                c, _ = srv.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
            """;

    /**
     * TCP client: {@code ADDR PORT}. Connects, checks an echo, prints "connected"; on a line from
     * stdin sends again and prints what happened: "echo", "reset", "timeout" or "closed".
     */
    static final String CLIENT = """
            import socket, sys
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
            s.sendall(b"1")
            print("connected" if s.recv(16) == b"1" else "bad", flush=True)
            sys.stdin.readline()
            s.settimeout(2)
            try:
                s.sendall(b"2")
                print("echo" if s.recv(16) == b"2" else "closed", flush=True)
            except ConnectionResetError:
                print("reset", flush=True)
            except socket.timeout:
                print("timeout", flush=True)
            """;
}
