"""The GIL demo for parallel/gil: the same count as exercises/parallel/gil.c,
on Python threads.

    python3 gil.py THREADS N

prints how many x in range(N) have x * x % 7 == 1, with the range split
over THREADS threads.  The work is pure Python bytecode, so CPython's
global interpreter lock lets one thread run it at a time: more threads do
not finish sooner.  `workbook check parallel/gil` times this script with 1
and 2 threads beside the C program.
"""
import sys
import threading


def count_share(first, last, out, slot):
    hits = 0
    for x in range(first, last):
        if x * x % 7 == 1:
            hits += 1
    out[slot] = hits


def main():
    if len(sys.argv) != 3:
        print("usage: gil.py THREADS N", file=sys.stderr)
        return 2
    threads, n = int(sys.argv[1]), int(sys.argv[2])
    if not 1 <= threads <= 64 or n < 0:
        print("gil.py: THREADS must be 1 to 64, N >= 0", file=sys.stderr)
        return 2
    out = [0] * threads
    workers = [
        threading.Thread(target=count_share,
                         args=(n * t // threads, n * (t + 1) // threads,
                               out, t))
        for t in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(sum(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
