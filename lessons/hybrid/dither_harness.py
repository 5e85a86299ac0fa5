"""Harness for hybrid/dither, run by the pyext check:

    PYTHONPATH=<dir> python3 dither_harness.py <dir>/pixels.so [--quick]

Imports the learner's extension, checks pixels.dither against the
pure-Python version below, checks that no reference is left behind, then
times both on the same image, interleaved (one run of each per round, best
of several rounds, wall-clock time).  Reports on stdout
(docs/checks/pyext.md): "step", "fail", "time base", "time native", "note",
"ok".
"""
import gc
import os
import sys
import time
import tracemalloc

# Report lines go to stdout, marked with the nonce the check writes on
# stdin (read before the learner's module is loaded).
MARK = "WB1 %s " % (sys.stdin.readline().strip() or "-")


def say(line):
    sys.stdout.write(MARK + line + "\n")
    sys.stdout.flush()


def fail(line):
    say("fail " + line)
    sys.exit(0)


quick = "--quick" in sys.argv[2:]


def dither_py(data, width):
    """The pure-Python version: the loop as a Python programmer writes it."""
    out = bytearray(len(data))
    for row in range(0, len(data), width):
        err = 0
        for i in range(row, min(row + width, len(data))):
            v = data[i] + err
            o = 255 if v >= 128 else 0
            out[i] = o
            err = v - o
    return bytes(out)


def image(n, seed):
    """A fixed pseudo-random image, the same on every run."""
    out = bytearray(n)
    s = seed
    for i in range(n):
        s = (s * 1103515245 + 12345) % 2147483648
        out[i] = s >> 23
    return bytes(out)


say("step importing the module with import pixels")
try:
    import pixels
except ImportError as e:
    fail("import pixels failed: %s" % e)
if not callable(getattr(pixels, "dither", None)):
    fail("the module pixels has no function dither")

say("step comparing small images with the pure-Python version")
for data, width in [
    (b"", 4),
    (b"\x00\x80\xff", 3),
    (b"\x7f\x7f\x7f\x7f", 4),
    (b"\x40" * 10, 3),
    (image(1000, 1), 37),
    (image(999, 2), 1000),
    (image(4096, 3), 64),
]:
    got = pixels.dither(data, width)
    want = dither_py(data, width)
    if not isinstance(got, bytes):
        fail("dither returned %s, not bytes" % type(got).__name__)
    if got != want:
        first = next(i for i in range(min(len(got), len(want)))
                     if got[i] != want[i]) if len(got) == len(want) else None
        if first is None:
            fail("dither of %d bytes returned %d bytes" % (len(data), len(got)))
        fail("dither of %d bytes, width %d: byte %d is %d, want %d"
             % (len(data), width, first, got[first], want[first]))

say("step passing a bytearray and a memoryview")
sample = image(300, 4)
for kind in (bytearray, memoryview):
    if pixels.dither(kind(sample), 16) != dither_py(sample, 16):
        fail("dither(%s(...), 16) differs from dither(bytes(...), 16)" % kind.__name__)

say("step checking that a bad width raises ValueError")
data = image(64, 5)
before = sys.getrefcount(data)
try:
    pixels.dither(data, 0)
    fail("dither(data, 0) returned instead of raising ValueError")
except ValueError:
    pass
if sys.getrefcount(data) != before:
    fail("after dither(data, 0) raised, the input has %d more reference(s): "
         "the Py_buffer was not released on the error path"
         % (sys.getrefcount(data) - before))

say("step checking the references of the result and the input")
data = image(64 * 1024, 6)
before = sys.getrefcount(data)
result = pixels.dither(data, 256)
extra = sys.getrefcount(result) - 2  # our variable and getrefcount's argument
if extra > 0:
    del result
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    for _ in range(100):
        pixels.dither(data, 256)
    gc.collect()
    end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    fail("every result comes back with %d reference%s too many, so Python can "
         "never free it: 100 calls on 64 KiB leaked %.1f MiB"
         % (extra, "" if extra == 1 else "s", (end - start) / 1048576.0))
if sys.getrefcount(data) != before:
    fail("each call leaves %d more reference(s) to the input behind"
         % (sys.getrefcount(data) - before))
del result

# Timing: interleaved rounds, best of each, in wall-clock time (CPU time
# is too coarse where a CPU limit is set, as the check does).  Each side
# repeats its call for at least 3 ms and counts its time per call; short
# windows and many rounds let the best of each side miss the moments when
# a busy machine takes the processor away.
width = 128 if quick else 256
frame = image(width * width, 7)
rounds = 15 if quick else 21
if pixels.dither(frame, width) != dither_py(frame, width):
    fail("dither of a %dx%d image differs from the pure-Python version" % (width, width))


def per_call(f):
    calls = 0
    t0 = time.perf_counter()
    while True:
        f(frame, width)
        calls += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= 0.003:
            return elapsed / calls


say("step timing a %dx%d image, %d rounds" % (width, width, rounds))
best_py = best_c = float("inf")
for _ in range(rounds):
    best_py = min(best_py, per_call(dither_py))
    best_c = min(best_c, per_call(pixels.dither))
say("time base %.9f %d" % (best_py, rounds))
say("time native %.9f %d" % (best_c, rounds))
say("note one %dx%d image per call" % (width, width))
say("ok pixels.dither matches the pure-Python version and keeps no reference")
