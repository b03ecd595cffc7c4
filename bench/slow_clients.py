#!/usr/bin/env python3
"""Slow-client scenario for bench/run (DESIGN.md "Performance model": 1000 idle or slow
connections must not delay a valid request by more than 1 s).

    slow_clients.py URL TOKEN IDLE TRICKLING SECONDS PID

Opens IDLE connections that send nothing and TRICKLING ones that send a request head one
byte a second (never finishing it), all to 127.0.0.1; for SECONDS it times valid requests
(GET /api/films/1/ with TOKEN, a fresh connection each) while they stay open; then closes them.
Prints one line of key=value: answered, p50/max latency of the valid requests, how many slow
connections the server had cut by then, the server's VmRSS (kB) before, during and after.
"""
import http.client
import socket
import sys
import time
import urllib.parse


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    url, token, idle_n, trickle_n, seconds, pid = sys.argv[1:7]
    idle_n, trickle_n, seconds, pid = int(idle_n), int(trickle_n), float(seconds), int(pid)
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port
    before = rss_kb(pid)

    idle, trickling = [], []
    for _ in range(idle_n):
        idle.append(socket.create_connection((host, port)))
    head = b"GET /api/films/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
    for _ in range(trickle_n):
        s = socket.create_connection((host, port))
        s.setblocking(False)
        trickling.append(s)

    latencies, answered, cut = [], 0, 0
    position = 0
    end = time.monotonic() + seconds
    next_byte = time.monotonic()
    while time.monotonic() < end:
        if time.monotonic() >= next_byte:  # one more header byte on every trickling connection
            for s in trickling:
                try:
                    s.send(head[position:position + 1])
                except OSError:
                    pass
            position += 1
            next_byte += 1.0
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("GET", "/api/films/1/", headers={"Authorization": "Bearer " + token})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                answered += 1
        except OSError:
            pass
        latencies.append((time.perf_counter() - start) * 1000)
        time.sleep(0.05)
    during = rss_kb(pid)
    for s in trickling:
        try:
            if s.recv(1) == b"":
                cut += 1
        except BlockingIOError:
            pass
        except OSError:
            cut += 1
    for s in idle + trickling:
        s.close()
    time.sleep(1.0)  # the server notices the closes and its idle workers end
    after = rss_kb(pid)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] if latencies else -1
    print(f"requests={len(latencies)} answered={answered} p50_ms={p50:.1f} max_ms={max(latencies or [-1]):.1f} "
          f"cut={cut} rss_before_kb={before} rss_during_kb={during} rss_after_kb={after}")


if __name__ == "__main__":
    main()
