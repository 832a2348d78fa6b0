#!/usr/bin/env python3
"""Traffic of the bandwidth-sharing benchmark (docs/benchmarks/sharing/README.md).

    traffic.py server ADDR PORT SECONDS LOG        TCP server: each connection asks "bulk SIZE" or
                                                   "trickle SECONDS"; the first line of the answer is
                                                   the address the server sees (the path the session
                                                   took); the end of each trickle session is logged
    traffic.py bulk ADDR PORT PARALLEL SIZE SECONDS OUT
                                                   PARALLEL loops of new sessions, each downloading SIZE
                                                   bytes, until SECONDS have passed
    traffic.py trickle ADDR PORT N SECONDS OUT     N long sessions, 1000 bytes every 100 ms each
    traffic.py capture IFACE SECONDS OUT [in]      every packet on IFACE (or only those it receives) with
                                                   the kernel's timestamp
    traffic.py counters SECONDS OUT                the sharer's carried_* counters (table inet
                                                   coopwan_lend, the bytes its limit let through),
                                                   read every 10 ms through one `nft -j -i`

Every time is CLOCK_MONOTONIC in ns (the benchmark's System.nanoTime()), except the capture's
kernel timestamps (SO_TIMESTAMPNS, CLOCK_REALTIME ns). Lines written:
  server LOG:  E MONO PEER_ADDR PEER_PORT BYTES_SENT STATUS    (the end of a trickle session)
  bulk OUT:    X START END LOCAL_PORT SEEN BYTES STATUS         (one session)
               T MONO SEEN CUMULATIVE_BYTES                     (every 100 ms, per path seen)
  trickle OUT: O MONO LOCAL_PORT SEEN (opened), P MONO LOCAL_PORT SEEN BYTES MAX_GAP_MS (every second
               while data arrives), E MONO LOCAL_PORT SEEN BYTES STATUS MAX_GAP_MS (its end)
  capture OUT: KERNEL_NS IP_BYTES PKTTYPE KEY                  (PKTTYPE 0 inbound to this host, 4 outgoing;
               KEY the IP id and TCP sequence number in hex, the same on both sides of a NAT)
  counters OUT: ASKED_MONO ANSWERED_MONO NAME BYTES             (one line per carried_* counter per
               reading: the counter's value at some moment between the two times)
Every loop is bounded by SECONDS (at most 3600); only the addresses given are contacted."""
import json
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

CHUNK = 16384
MAX_SECONDS = 3600.0


def mono():
    return time.monotonic_ns()


def server(addr, port, seconds, log):
    end = time.monotonic() + seconds
    lock = threading.Lock()
    out = open(log, "w", buffering=1)

    def write(line):
        with lock:
            out.write(line + "\n")

    def serve(c, peer):
        status = "ok"
        sent = 0
        try:
            c.settimeout(10)
            req = c.makefile("rb").readline().decode("ascii", "replace").split()
            c.sendall((peer[0] + "\n").encode())
            if len(req) == 2 and req[0] == "bulk":
                left = min(int(req[1]), 1 << 30)
                block = b"\0" * CHUNK
                while left > 0 and time.monotonic() < end:
                    n = min(left, CHUNK)
                    c.sendall(block[:n])
                    left -= n
                return
            if len(req) == 2 and req[0] == "trickle":
                c.settimeout(60)  # as the client: a session at a sharer's floor quota may wait long
                stop = min(end, time.monotonic() + float(req[1]))
                while time.monotonic() < stop:
                    c.sendall(b"\1" * 1000)
                    sent += 1000
                    time.sleep(0.1)
                return
            status = "bad-request"
        except OSError as e:
            status = "error:" + type(e).__name__
        finally:
            if sent:
                write(f"E {mono()} {peer[0]} {peer[1]} {sent} {status}")
            c.close()

    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(256)
    s.settimeout(0.2)
    print("ready", flush=True)
    while time.monotonic() < end:
        try:
            c, peer = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c, peer), daemon=True).start()


def open_session(addr, port, request, timeout):
    """Connects, asks REQUEST; returns (socket, its file, local port, the address the server saw)."""
    c = socket.create_connection((addr, port), timeout=5)
    local = c.getsockname()[1]
    c.settimeout(timeout)
    c.sendall((request + "\n").encode())
    f = c.makefile("rb")
    return c, f, local, f.readline().decode("ascii", "replace").strip() or "-"


def bulk(addr, port, parallel, size, seconds, out):
    end = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {}
    w = open(out, "w", buffering=1)

    def worker():
        while time.monotonic() < end:
            start = mono()
            seen, got, status, local = "-", 0, "ok", 0
            try:
                c, f, local, seen = open_session(addr, port, f"bulk {size}", 5)
                while time.monotonic() < end + 5:
                    b = f.read1(CHUNK)
                    if not b:
                        break
                    got += len(b)
                    with lock:
                        totals[seen] = totals.get(seen, 0) + len(b)
                c.close()
                if got < size:
                    status = "short"
            except OSError as e:
                status = "error:" + type(e).__name__
                time.sleep(0.1)  # a refused or reset session is not retried in a busy loop
            with lock:
                w.write(f"X {start} {mono()} {local} {seen} {got} {status}\n")

    def ticker():
        while time.monotonic() < end + 1:
            with lock:
                now = mono()
                for k, v in totals.items():
                    w.write(f"T {now} {k} {v}\n")
            time.sleep(0.1)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(parallel)]
    tick = threading.Thread(target=ticker, daemon=True)
    tick.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 15)
    tick.join(3)


def trickle(addr, port, n, seconds, out):
    lock = threading.Lock()
    w = open(out, "w", buffering=1)

    def one():
        seen, got, status, local, gap = "-", 0, "ok", 0, 0
        try:
            # a session held to a sharer's floor quota may wait long: only a reset or a minute of nothing ends it
            c, f, local, seen = open_session(addr, port, f"trickle {seconds}", 60)
            with lock:
                w.write(f"O {mono()} {local} {seen}\n")
            last = mono()
            reported = last
            stop = time.monotonic() + seconds + 10
            while time.monotonic() < stop:
                b = f.read1(CHUNK)
                if not b:
                    break
                got += len(b)
                now = mono()
                gap = max(gap, (now - last) // 1_000_000)
                last = now
                if now - reported >= 1_000_000_000:
                    reported = now
                    with lock:
                        w.write(f"P {now} {local} {seen} {got} {gap}\n")
            c.close()
        except OSError as e:
            status = "error:" + type(e).__name__
        with lock:
            w.write(f"E {mono()} {local} {seen} {got} {status} {gap}\n")

    threads = [threading.Thread(target=one, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(seconds + 20)


def key(data):
    """IP id + TCP sequence number (hex): what NAT leaves alone, so one packet is found on two devices."""
    if len(data) < 20 or data[0] >> 4 != 4:
        return "-"
    ihl = (data[0] & 15) * 4
    ipid = struct.unpack(">H", data[4:6])[0]
    if data[9] == 6 and len(data) >= ihl + 8:
        return "%04x%08x" % (ipid, struct.unpack(">I", data[ihl + 4:ihl + 8])[0])
    return "%04x" % ipid


def capture(iface, seconds, out, inbound_only):
    so_timestampns = getattr(socket, "SO_TIMESTAMPNS", 35)
    end = time.monotonic() + seconds
    s = None
    while s is None and time.monotonic() < end:
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
            s.bind((iface, 0))
        except OSError:
            s = None
            time.sleep(0.1)  # the device is not there yet
    if s is None:
        return
    s.setsockopt(socket.SOL_SOCKET, so_timestampns, 1)
    # past net.core.rmem_max (root): a capture scheduled late on busy cores must not drop what it missed
    s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 64 << 20)
    s.settimeout(0.1)
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(1))  # SIGTERM: flush, say the drops, end
    print("ready", flush=True)
    with open(out, "w") as w:
        while time.monotonic() < end and not stopped:
            try:
                data, anc, _, address = s.recvmsg(65536, 64)
            except socket.timeout:
                w.flush()
                continue
            kernel = 0
            for level, kind, d in anc:
                if level == socket.SOL_SOCKET and kind == so_timestampns and len(d) >= 16:
                    sec, ns = struct.unpack("qq", d[:16])
                    kernel = sec * 1_000_000_000 + ns
            if inbound_only and address[2] != socket.PACKET_HOST:
                continue
            ip_len = struct.unpack(">H", data[2:4])[0] if len(data) >= 4 and data[0] >> 4 == 4 else len(data)
            w.write(f"{kernel} {ip_len} {address[2]} {key(data)}\n")
    # PACKET_STATISTICS (SOL_PACKET 263, 6): what the socket dropped, said in the tool's log
    received, dropped = struct.unpack("II", s.getsockopt(263, 6, 8))
    print(f"captured {received}, dropped {dropped} (since the last read of these statistics)", flush=True)


def counters(seconds, out):
    end = time.monotonic() + seconds
    nft = subprocess.Popen(["nft", "-j", "-i"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, bufsize=1)
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(1))
    readings = refused = 0
    print("ready", flush=True)
    with open(out, "w") as w:
        while time.monotonic() < end and not stopped:
            asked = mono()
            nft.stdin.write("list counters table inet coopwan_lend\n")
            nft.stdin.flush()
            # one JSON line, or a refusal of three lines on stderr (no such table: not lending now)
            ready, _, _ = select.select([nft.stdout, nft.stderr], [], [], 2.0)
            if nft.stdout in ready:
                line = nft.stdout.readline()
                answered = mono()
                if not line:
                    break
                for item in json.loads(line).get("nftables", []):
                    c = item.get("counter") if isinstance(item, dict) else None
                    if c and str(c.get("name", "")).startswith("carried_"):
                        w.write(f"{asked} {answered} {c['name']} {c.get('bytes', 0)}\n")
                readings += 1
            elif nft.stderr in ready:
                for _ in range(3):
                    nft.stderr.readline()
                refused += 1
            else:
                break  # no answer within 2 s: the readings end here
            time.sleep(0.01)
    nft.kill()
    nft.wait(5)
    print(f"readings {readings}, refused {refused} (no table)", flush=True)


def main():
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == "server":
        server(a[1], int(a[2]), min(MAX_SECONDS, float(a[3])), a[4])
    elif len(a) == 7 and a[0] == "bulk":
        bulk(a[1], int(a[2]), min(64, int(a[3])), int(a[4]), min(MAX_SECONDS, float(a[5])), a[6])
    elif len(a) == 6 and a[0] == "trickle":
        trickle(a[1], int(a[2]), min(64, int(a[3])), min(MAX_SECONDS, float(a[4])), a[5])
    elif len(a) == 3 and a[0] == "counters":
        counters(min(MAX_SECONDS, float(a[1])), a[2])
    elif len(a) in (4, 5) and a[0] == "capture" and a[4:] in ([], ["in"]):
        capture(a[1], min(MAX_SECONDS, float(a[2])), a[3], a[4:] == ["in"])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
