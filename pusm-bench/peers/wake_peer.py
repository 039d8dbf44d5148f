"""The Python side of measurement 7 (wake-up, issue 14), driven by pusm-bench's wakeup.rs.

    python3 wake_peer.py --mode pusm-wait --prefix P --runtime <repo>/python
    python3 wake_peer.py --mode socket-wait --socket PATH
    python3 wake_peer.py --mode socket-counter --socket PATH

pusm-wait: joins P as the Python role, then again and again gives control and waits for
it; on waking it reads the driver's CLOCK_MONOTONIC stamp (int64 at offset 0; 0 means
exit) and leaves the wake-up latency and the CPU time this process used while waiting
(two int64 in nanoseconds, at offset 8). socket-wait: the same over a Unix socket, the
baseline: blocks in recv for the 8-byte stamp, answers with the same 16 bytes.
socket-counter: the counter protocol of peers/README.md over a Unix socket (4-byte
little-endian int32 in, plus one back; -1 exits), the baseline of the pinned round trip.
"""

import argparse
import resource
import socket
import struct
import sys
import time


def cpu_ns():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int((usage.ru_utime + usage.ru_stime) * 1e9)


def pusm_wait(prefix, runtime):
    sys.path.insert(0, runtime)
    from pusm import SharedMemory

    sm = SharedMemory(prefix, 0, False, timeout=60)
    try:
        while True:
            before = cpu_ns()
            sm.give_control()
            woke = time.monotonic_ns()
            used = cpu_ns() - before
            stamp = struct.unpack("<q", sm.read_bytes(0, 8)[0])[0]
            if stamp == 0:
                return 0
            sm.write_bytes(8, struct.pack("<qq", woke - stamp, used))
    finally:
        sm.close()


def receive(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("the driver closed the socket")
        data += chunk
    return data


def socket_wait(sock):
    while True:
        before = cpu_ns()
        data = receive(sock, 8)
        woke = time.monotonic_ns()
        used = cpu_ns() - before
        stamp = struct.unpack("<q", data)[0]
        if stamp == 0:
            return 0
        sock.sendall(struct.pack("<qq", woke - stamp, used))


def socket_counter(sock):
    while True:
        value = struct.unpack("<i", receive(sock, 4))[0]
        if value < 0:
            return 0
        sock.sendall(struct.pack("<i", value + 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", required=True)
    parser.add_argument("--prefix")
    parser.add_argument("--runtime")
    parser.add_argument("--socket")
    args = parser.parse_args()
    if args.mode == "pusm-wait":
        return pusm_wait(args.prefix, args.runtime)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(args.socket)
    with sock:
        if args.mode == "socket-wait":
            return socket_wait(sock)
        return socket_counter(sock)


if __name__ == "__main__":
    sys.exit(main())
