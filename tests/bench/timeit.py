#!/usr/bin/python3
"""timeit.py: time shell commands side by side.

    timeit.py -n 10 NAME=CMD [NAME=CMD ...]

Runs every command once to warm up, then N rounds in which each command runs
once (interleaved, so a busy machine slows all of them alike), and prints one
line per command: name, median and min wall time in ms.  With --json prints
{"name": median_ms, ...} instead.  A command that fails stops the bench.
"""
import json
import shlex
import statistics
import subprocess
import sys
import time


def main(argv):
    n, as_json, cmds = 10, False, []
    i = 0
    while i < len(argv):
        if argv[i] == "-n":
            n = int(argv[i + 1])
            i += 2
            continue
        if argv[i] == "--json":
            as_json = True
            i += 1
            continue
        name, _, cmd = argv[i].partition("=")
        cmds.append((name, cmd))
        i += 1
    times = {name: [] for name, _ in cmds}
    # Plain commands run without a shell, so the shell's start-up is not
    # counted; pipelines and && chains go through /bin/sh.
    argvs = {}
    for name, cmd in cmds:
        plain = not any(c in cmd for c in "&|;<>$()`'\"*")
        argvs[name] = shlex.split(cmd) if plain else cmd
    for rnd in range(n + 1):
        for name, cmd in cmds:
            t0 = time.perf_counter()
            r = subprocess.run(argvs[name], shell=isinstance(argvs[name], str),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            dt = (time.perf_counter() - t0) * 1000
            if r.returncode != 0:
                sys.stderr.write("bench: '%s' failed (%d): %s\n" %
                                 (name, r.returncode, r.stderr.decode()[-500:]))
                return 1
            if rnd > 0:
                times[name].append(dt)
    med = {k: statistics.median(v) for k, v in times.items()}
    if as_json:
        print(json.dumps(med))
    else:
        for name, _ in cmds:
            print("%-28s median %8.1f ms   min %8.1f ms" %
                  (name, med[name], min(times[name])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
