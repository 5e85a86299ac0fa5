#!/usr/bin/env bash
# tests/bench/tui.sh: figures for the terminal UI, each the median of
# repeated runs, measured through tmux (a private server, as in
# tests/tui/):
#
#   first paint     exec of workbook to the course map drawn (ms)
#   memory          resident set with the whole course loaded (MB; target
#                   <= 10)
#   save-to-verdict a save of the exercise file to its verdict on screen,
#                   minus the time the checks themselves took (ms; target
#                   <= 150)
#
# The UI writes timestamps to $WORKBOOK_TUI_TRACE (first_paint,
# save_seen, verdict); this script compares them with its own clock.
#
#   tests/bench/tui.sh [RUNS]        default 7 runs each
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
export WB_TOP=$top
. "$top/tests/lib.sh"
. "$top/tests/tui/tmux.sh"
runs=${1:-7}

if ! command -v tmux >/dev/null 2>&1; then
  echo "tui: skipped (tmux is not installed)"
  exit 0
fi

now_ns() { date +%s%N; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The real course, fresh progress each run.
course_ws() { make_workspace; }

wb_pid() { pane pane_pid; }

# Start workbook in a pane; the pane writes the clock just before exec,
# so tmux's own start-up is not counted.
bench_start() { # DIR TRACE
  _tui_new_server
  _tui_conf=$(mktemp "$_tmp_root/tmux.XXXXXX")
  printf 'set -g default-terminal screen\nset -g status off\n' >"$_tui_conf"
  tmux_ new-session -d -s t -x 100 -y 30 \
    "cd $(printf '%q' "$1") && date +%s%N >t0 && exec env WORKBOOK_TUI_TRACE=$(printf '%q' "$2") $(printf '%q' "$WB")"
}

paints=() rss=() lat=()
for i in $(seq 1 "$runs"); do
  ws=$(course_ws)
  trace="$ws/trace"
  bench_start "$ws" "$trace"
  if ! wait_file_match "$trace" '^first_paint ' 20; then
    echo "tui: no first paint (is the UI wired into main.c?)" >&2
    tui_stop
    exit 1
  fi
  t0=$(cat "$ws/t0")
  t1=$(awk '/^first_paint /{ print $2; exit }' "$trace")
  paints+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')")
  pid=$(wb_pid)
  rss+=("$(awk '/^VmRSS:/{ printf "%.1f", $2 / 1024 }' "/proc/$pid/status")")
  tui_stop
done

# Save-to-verdict: one session, the first exercise, saved repeatedly with
# a different comment each time (so nothing is served from the cache).
ws=$(course_ws)
trace="$ws/trace"
ex=$(cd "$ws" && "$WB" list --format json 2>/dev/null |
  python3 -c 'import json,sys
d=json.load(sys.stdin)
def walk(o):
    if isinstance(o, dict):
        if "file" in o and "name" in o and str(o.get("file","")).startswith("exercises/"):
            print(o["name"], o["file"], o.get("solution","")); sys.exit()
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(d)' 2>/dev/null)
name=${ex%% *}
file=$(echo "$ex" | awk '{ print $2 }')
if [ -z "$name" ]; then name=intro/hello; file=exercises/intro/hello.c; fi
sol="$ws/solutions/${file#exercises/}"
bench_start "$ws" "$trace"
wait_for 'Progress' 20 >/dev/null
keys Enter   # the map's cursor starts on the first unfinished exercise
wait_for 'watch: (inotify|polling)' 20 >/dev/null
mode=$(screen | grep -oE 'watch: (inotify|polling)' | head -1)
for i in $(seq 1 "$runs"); do
  before=$(grep -c '^verdict ' "$trace" 2>/dev/null || true)
  { cat "$sol"; printf '/* bench run %s */\n' "$i"; } >"$ws/$file.tmp"
  t0=$(now_ns)
  mv "$ws/$file.tmp" "$ws/$file"
  end=$((SECONDS + 60))
  while [ "$(grep -c '^verdict ' "$trace" 2>/dev/null || true)" -le "$before" ]; do
    [ "$SECONDS" -ge "$end" ] && break
    sleep 0.01
  done
  line=$(grep '^verdict ' "$trace" | tail -1)
  t1=$(echo "$line" | awk '{ print $2 }')
  checks=$(echo "$line" | awk '{ print $3 }')
  [ -n "$t1" ] && lat+=("$(awk -v a="$t0" -v b="$t1" -v c="$checks" 'BEGIN { printf "%.1f", (b - a) / 1e6 - c * 1000 }')")
done
tui_stop

printf 'tui first paint            %8s ms  (median of %d)\n' "$(printf '%s\n' "${paints[@]}" | median)" "$runs"
printf 'tui resident memory        %8s MB  (target <= 10)\n' "$(printf '%s\n' "${rss[@]}" | median)"
printf 'tui save-to-verdict        %8s ms  beyond the checks (target <= 150; %s, %s)\n' \
  "$(printf '%s\n' "${lat[@]+"${lat[@]}"}" | median)" "${mode:-watch: ?}" "$name"
