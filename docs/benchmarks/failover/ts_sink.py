#!/usr/bin/env python3
"""UDP sink of the failover benchmark's quota part, with the kernel's receive timestamps.

    ts_sink.py ADDR PORT SECONDS OUT

Writes one line per datagram: MONO SOURCE SEQ BYTES KERNEL, where MONO is CLOCK_MONOTONIC in ns
when this process read it, SEQ the first 8 bytes (lab UdpStream's sequence number), BYTES the UDP
payload's length and KERNEL the kernel's receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME ns).
The kernel stamp is taken when the datagram reaches the socket, so a sink process that is
scheduled late cannot squeeze arrivals into a shorter window than they really had. Prints
"ready" once bound; stops after SECONDS (at most 3600)."""
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # 35 on Linux (x86, arm)


def main():
    addr, port, seconds, out = sys.argv[1], int(sys.argv[2]), min(3600.0, float(sys.argv[3])), sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    s.settimeout(0.1)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    with open(out, "w") as w:
        while time.monotonic() < end:
            try:
                data, anc, _, src = s.recvmsg(2048, 64)
            except socket.timeout:
                w.flush()
                continue
            mono = time.monotonic_ns()
            kernel = 0
            for level, kind, d in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(d) >= 16:
                    sec, ns = struct.unpack("qq", d[:16])
                    kernel = sec * 1_000_000_000 + ns
            seq = struct.unpack(">q", data[:8])[0] if len(data) >= 8 else -1
            w.write(f"{mono} {src[0]} {seq} {len(data)} {kernel}\n")


if __name__ == "__main__":
    main()
