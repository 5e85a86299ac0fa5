#!/usr/bin/env bash
# make bench: grading a class.  `workbook grade --jobs <cores>` (sandboxed,
# harness and test objects built once for the class) against a plain
# sequential shell loop that compiles and runs the same tests for every
# student (the same compiler flags, the same harness and channel, no
# sandbox).  Both start from nothing: no build cache.  Two rounds,
# interleaved, best of each (a busy machine slows both alike).  Prints the
# throughput ratio and whether both gave the same pass/fail per exercise.
# Target: >= 2.5x on 2 cores.
#
# The class is tests/grade/make-class.sh's without the students a plain
# loop cannot grade safely or fairly (fork bombs and floods, a constructor
# writing host files, an #include of a file outside the submission).
#   BENCH_STUDENTS=N   grade the first N of them (default 10; "all")
#   BENCH_ROUNDS=N     rounds (default 2)
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd)
WB=${WB:-$top/build/workbook}
tmp=$(mktemp -d /tmp/wbgrade.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)

echo "== grading a class: workbook grade --jobs $cores against a sequential shell loop"
bash tests/grade/make-class.sh "$tmp/class" >/dev/null || exit 1
mkdir -p "$tmp/subs"
n=0
for s in $(cut -d' ' -f1 "$tmp/class/expected" | sort -u); do
  case $s in hostile-*|cheat-constructor|cheat-include) continue ;; esac
  [ "${BENCH_STUDENTS:-10}" != all ] && [ "$n" -ge "${BENCH_STUDENTS:-10}" ] && break
  cp -a "$tmp/class/subs/$s" "$tmp/subs/"
  n=$((n + 1))
done

# --- workbook grade ------------------------------------------------------------
ws=$tmp/ws
mkdir -p "$ws"
cp -r lessons exercises "$ws"/
run_workbook() {
  rm -rf "$ws/.workbook"
  (cd "$ws" && "$WB" grade "$tmp/subs" --only intro/hello,memory --jobs "$cores" \
    --format json > "$tmp/wb.json" 2> "$tmp/wb.err")
  python3 - "$tmp/wb.json" > "$tmp/wb.verdicts" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["students"]:
    for x in s["exercises"]:
        print(s["student"], x["name"], "pass" if x["status"] == "pass" else "fail")
PY
}

# --- the plain loop --------------------------------------------------------------
CF="-std=c11 -Wall -Wextra -O1 -g -Werror=prio-ctor-dtor"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
LD="-Wl,--wrap=main -Wl,--wrap=_cmocka_run_group_tests -lcmocka"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86:allocator_may_return_null=1:color=never
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87:color=never
export CMOCKA_MESSAGE_OUTPUT=STDOUT
harness=$top/runner/harness/harness.c

# run_tests DIR TEST SRC [SANITIZE]: build the harness, the tests and the
# student's file, link, run; pass when the channel's "end" record says no
# test failed and the program exited 0.
run_tests() {
  local d=$1 test=$2 src=$3 san=${4:-}
  gcc -std=c11 -O0 -g $san -c "$harness" -o "$d/h.o" 2>/dev/null &&
    gcc -std=c11 -O0 -g $san -Dmain=wb_test_main -c "$test" -o "$d/t.o" 2>/dev/null &&
    gcc $CF $san -c "$src" -o "$d/s.o" 2>/dev/null &&
    gcc -g $san "$d/h.o" "$d/t.o" "$d/s.o" $LD -o "$d/t" 2>/dev/null || return 1
  local nonce=$RANDOM$RANDOM$RANDOM
  # The harness reads its nonce from the first line of stdin.
  printf '%s\n' "$nonce" | (cd "$d" && WB_CHANNEL_FD=3 timeout 30 ./t 3> chan > out 2>&1) || return 1
  grep -qE "^WB1 $nonce end [1-9][0-9]* 0( |\$)" "$d/chan"
}

grade_hello() { # DIR SRC
  local d=$1 src=$2
  gcc $CF -Werror -c "$src" -o "$d/h.o" 2>/dev/null && gcc -g "$d/h.o" -o "$d/hello" || return 1
  [ "$(cd "$d" && timeout 5 ./hello; echo "rc=$?")" = "$(printf 'Hello, world!\nrc=0')" ] &&
    [ "$(cd "$d" && timeout 5 ./hello "Ada Lovelace" Grace; echo "rc=$?")" = \
      "$(printf 'Hello, Ada Lovelace!\nHello, Grace!\nrc=0')" ]
}

grade_memory() { # DIR NAME SRC
  local d=$1 name=$2 src=$3
  gcc $CF -Werror -c "$src" -o "$d/c.o" 2>/dev/null &&
    run_tests "$d" "$top/lessons/memory/${name}_test.c" "$src" &&
    run_tests "$d" "$top/lessons/memory/${name}_test.c" "$src" "$SAN"
}

# The file a student handed in for an exercise, in the layouts grade reads.
find_file() { # STUDENT SECTION NAME
  local f
  for f in "$tmp/subs/$1/$2/$3.c" "$tmp/subs/$1/exercises/$2/$3.c" "$tmp/subs/$1/$3.c"; do
    [ -f "$f" ] && [ ! -L "$f" ] && [ "$(stat -c %s "$f")" -le 524288 ] && { echo "$f"; return; }
    [ -e "$f" ] || [ -L "$f" ] && return
  done
}

run_loop() {
  rm -rf "$tmp/loop"
  for s in $(ls "$tmp/subs" | LC_ALL=C sort); do
    for e in intro/hello memory/overflow memory/uaf memory/leak; do
      d=$tmp/loop/$s/$e
      mkdir -p "$d"
      f=$(find_file "$s" "${e%/*}" "${e#*/}")
      v=fail
      if [ -n "$f" ]; then
        if [ "$e" = intro/hello ]; then grade_hello "$d" "$f" && v=pass
        else grade_memory "$d" "${e#*/}" "$f" && v=pass; fi
      fi
      echo "$s $e $v"
    done
  done > "$tmp/loop.verdicts"
}

# seconds CMD...: run, print the wall time.
seconds() {
  local t0 t1
  t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N)
  python3 -c "print('%.2f' % ($t1 - $t0))"
}
best_wb=999999 best_loop=999999
for r in $(seq 1 "${BENCH_ROUNDS:-2}"); do
  w=$(seconds run_workbook); l=$(seconds run_loop)
  best_wb=$(python3 -c "print(min($best_wb, $w))")
  best_loop=$(python3 -c "print(min($best_loop, $l))")
done

wbs=$(python3 -c "print('%.1f' % $best_wb)")
loops=$(python3 -c "print('%.1f' % $best_loop)")
ratio=$(python3 -c "print('%.2f' % ($best_loop / $best_wb))")
nex=$(wc -l < "$tmp/loop.verdicts")
printf '%-40s %6s s  (%d students, %d exercises each, --jobs %d, best of %d)\n' \
  "workbook grade" "$wbs" "$n" 4 "$cores" "${BENCH_ROUNDS:-2}"
printf '%-40s %6s s\n' "shell loop, sequential, no cache" "$loops"
printf '%-40s %6sx  (target >= 2.5x on 2 cores)\n' "throughput ratio" "$ratio"
if diff <(LC_ALL=C sort "$tmp/wb.verdicts") <(LC_ALL=C sort "$tmp/loop.verdicts") > "$tmp/verdicts.diff"; then
  echo "pass/fail per exercise: identical ($nex verdicts, $(grep -c ' pass$' "$tmp/loop.verdicts") passes)"
else
  echo "pass/fail per exercise: DIFFERENT (< workbook, > shell loop):"
  sed 's/^/    /' "$tmp/verdicts.diff" | head -20
fi
