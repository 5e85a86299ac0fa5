#!/usr/bin/env python3
"""choosing/latency in Python: the same simulated load test and the same
report, byte for byte, as exercises/choosing/latency.c.

Run it beside the shipped C program and time both:

    time python3 lessons/choosing/latency.py 30000 > /tmp/py.txt
    time /tmp/latency 30000 > /tmp/c.txt
    cmp /tmp/py.txt /tmp/c.txt

It sorts the latencies once, with the built-in sorted().  That is the
whole difference.
"""
import sys

ENDPOINTS = [
    "GET /v1/items", "GET /v1/items/:id", "POST /v1/items",
    "GET /v1/users/:id", "PUT /v1/users/:id", "GET /v1/orders",
    "POST /v1/orders", "GET /v1/orders/:id", "GET /v1/search",
    "GET /v1/cart", "PUT /v1/cart", "POST /v1/checkout",
    "GET /v1/stock", "GET /v1/prices", "POST /v1/login",
    "POST /v1/logout", "GET /v1/profile", "PUT /v1/profile",
    "GET /v1/reviews", "POST /v1/reviews", "GET /health",
    "GET /metrics", "POST /v1/upload", "GET /v1/export",
]
MASK = (1 << 64) - 1
MUL = 0x2545F4914F6CDD1D


class Rng:
    """xorshift64*, as in the C program."""

    def __init__(self):
        self.state = 0x2545F4914F6CDD1D

    def next(self):
        s = self.state
        s ^= s >> 12
        s ^= (s << 25) & MASK
        s ^= s >> 27
        self.state = s
        return ((s * MUL) & MASK) >> 32


def simulate(n):
    rng = Rng()
    count = len(ENDPOINTS)
    total = count * (count + 1) // 2
    requests = []
    for _ in range(n):
        r = rng.next() % total
        e = 0
        while r >= count - e:
            r -= count - e
            e += 1
        us = 2000 + rng.next() % 28000
        us += e * 700
        if rng.next() % 20 == 0:
            us *= 2 + rng.next() % 6
        if rng.next() % 1000 == 0:
            us += 500000 + rng.next() % 1500000
        requests.append((e, us & 0xFFFFFFFF))
    return requests


def ms(us):
    return "%d.%03d" % (us // 1000, us % 1000)


def report(requests):
    n = len(requests)
    lat = sorted(us for _, us in requests)
    total = sum(lat)
    stats = [[e, 0, 0, 0] for e in range(len(ENDPOINTS))]
    for e, us in requests:
        s = stats[e]
        s[1] += us
        s[2] += 1
        s[3] = max(s[3], us)

    def percentile(per_mille):
        rank = (n * per_mille + 999) // 1000
        return lat[rank - 1 if rank > 0 else 0]

    out = ["requests   %12d" % n]
    for label, us in (("mean", total // n), ("p50", percentile(500)),
                      ("p90", percentile(900)), ("p99", percentile(990)),
                      ("p99.9", percentile(999)), ("max", lat[-1])):
        out.append("%-10s %12s ms" % (label, ms(us)))
    stats.sort(key=lambda s: (-(s[1] // s[2] if s[2] else 0), s[0]))
    out.append("slowest endpoints (mean, worst, requests):")
    for e, tot, cnt, worst in stats[:5]:
        mean = tot // cnt if cnt else 0
        out.append("  %-20s %9s ms %11s ms %7d"
                   % (ENDPOINTS[e], ms(mean), ms(worst), cnt))
    out.append("histogram:")
    bounds = [5000, 10000, 20000, 50000, 100000, 500000]
    labels = ["< 5 ms", "< 10 ms", "< 20 ms", "< 50 ms", "< 100 ms",
              "< 500 ms", ">= 500 ms"]
    counts = [0] * 7
    for us in lat:
        b = 0
        while b < 6 and us >= bounds[b]:
            b += 1
        counts[b] += 1
    for label, c in zip(labels, counts):
        out.append("  %-10s %7d  %s" % (label, c, "#" * (c * 50 // n)))
    print("\n".join(out))


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.stderr.write("usage: latency.py N\n")
        return 2
    report(simulate(int(sys.argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
