# tests/tui/tmux.sh: drive workbook's terminal UI through tmux, the way
# tmux's own regress tests do: a private server (tmux -L), a fixed window
# size, keys sent with send-keys, and the screen read back with
# capture-pane.  Nothing sleeps for a fixed time: wait_for polls the screen
# until a pattern shows up or a deadline passes.
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/tmux.sh"
#   need_tmux
#   ws=$(tui_workspace)
#   tui_start "$ws" 80 24            # extra args: env assignments
#   wait_for 'TUI test course' || ...
#   keys j Enter
#   screen                           # prints the visible screen
#   tui_stop
#
# The course is tests/tui/course (fixed, so these tests do not follow the
# real course's wording).

_tui_sock="wbtui$$"
_tui_n=0
_tui_conf=""
TUI_TIMEOUT=${TUI_TIMEOUT:-15}

tmux_() { tmux -L "$_tui_sock" -f "$_tui_conf" "$@"; }

# Each session gets a server of its own: a server being killed cannot be
# mistaken for the next one.
_tui_new_server() {
  _tui_n=$((_tui_n + 1))
  _tui_sock="wbtui$$.$_tui_n"
}

# Skip the whole file (one TAP line) when tmux is missing; nothing else
# is a reason to skip.
need_tmux() {
  if ! command -v tmux >/dev/null 2>&1; then
    skip "terminal UI tests" "tmux is not installed (apt-get install tmux)"
    done_testing
    exit 0
  fi
}

# A temporary copy of the test course.
tui_workspace() {
  local ws
  ws=$(tmpdir)
  cp -r "$WB_TOP/tests/tui/course/." "$ws"/
  echo "$ws"
}

# tui_start DIR COLS ROWS [VAR=VALUE...] [-- ARGS...]: run workbook in DIR
# in a fresh private tmux server.  When workbook exits the pane prints
# "[exit N]" and stays alive (a cat reading the terminal), so the
# terminal state workbook left behind can be read (tmux resets it for a
# dead pane).
tui_start() {
  local dir=$1 cols=$2 rows=$3
  shift 3
  local envs=() args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then shift; args=("$@"); break; fi
    envs+=("$1"); shift
  done
  _tui_new_server
  _tui_conf=$(mktemp "$_tmp_root/tmux.XXXXXX")
  cat >"$_tui_conf" <<'EOF'
set -g default-terminal screen
set -g status off
set -g history-limit 1000
EOF
  local cmd
  cmd=$(printf '%q ' cd "$dir")
  cmd+="&& env"
  local e
  for e in "${envs[@]+"${envs[@]}"}"; do cmd+=" $(printf '%q' "$e")"; done
  cmd+=" $(printf '%q' "$WB")"
  for e in "${args[@]+"${args[@]}"}"; do cmd+=" $(printf '%q' "$e")"; done
  cmd+='; echo "[exit $?]"; exec cat >/dev/null'
  tmux_ new-session -d -s t -x "$cols" -y "$rows" "$cmd"
}

# Start a shell instead (for ^Z and fg): the caller types the command.
tui_start_shell() {
  local dir=$1 cols=$2 rows=$3
  _tui_new_server
  _tui_conf=$(mktemp "$_tmp_root/tmux.XXXXXX")
  printf 'set -g remain-on-exit on\nset -g default-terminal screen\nset -g status off\n' >"$_tui_conf"
  tmux_ new-session -d -s t -x "$cols" -y "$rows" \
    "cd $(printf '%q' "$dir") && PS1='sh\$ ' exec bash --norc --noprofile -i"
}

tui_stop() {
  tmux_ kill-server >/dev/null 2>&1
  return 0
}

keys() { tmux_ send-keys -t t "$@"; }
# Literal text (no key names).
type_text() { tmux_ send-keys -t t -l "$1"; }

screen() { tmux_ capture-pane -p -t t; }
# With attributes and colours as escape sequences.
screen_e() { tmux_ capture-pane -p -e -t t; }
# A format variable of the pane: alternate_on, cursor_flag, pane_pid,
# pane_width...
pane() { tmux_ display-message -p -t t "#{$1}"; }

# wait_for REGEX [SECONDS]: poll the screen until REGEX (grep -E) shows
# up; 0 when it did, 1 at the deadline (the last screen goes to $last).
wait_for() {
  local re=$1 limit=${2:-$TUI_TIMEOUT}
  local end=$((SECONDS + limit))
  while :; do
    last=$(screen 2>/dev/null)
    if printf '%s\n' "$last" | grep -qE -- "$re"; then return 0; fi
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.05
  done
}

# wait_gone REGEX [SECONDS]: until REGEX is no longer on the screen.
wait_gone() {
  local re=$1 limit=${2:-$TUI_TIMEOUT}
  local end=$((SECONDS + limit))
  while :; do
    last=$(screen 2>/dev/null)
    if ! printf '%s\n' "$last" | grep -qE -- "$re"; then return 0; fi
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.05
  done
}

# wait_pane VAR VALUE [SECONDS]: until a pane format variable has VALUE.
wait_pane() {
  local var=$1 want=$2 limit=${3:-$TUI_TIMEOUT}
  local end=$((SECONDS + limit))
  while :; do
    [ "$(pane "$var" 2>/dev/null)" = "$want" ] && return 0
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.05
  done
}

# expect_screen REGEX NAME: one TAP line; waits for the pattern.
expect_screen() {
  if wait_for "$1" "${3:-$TUI_TIMEOUT}"; then ok "$2"; else
    not_ok "$2 (no /$1/ on screen)"; diag "$last"
  fi
}

expect_not_screen() {
  local s
  s=$(screen)
  if printf '%s\n' "$s" | grep -qE -- "$1"; then
    not_ok "$2 (unexpected /$1/)"; diag "$s"
  else ok "$2"; fi
}

# The progress file of a workspace, or empty.
progress_of() { cat "$1/.workbook/progress" 2>/dev/null; }

# wait_file_match FILE REGEX [SECONDS]
wait_file_match() {
  local f=$1 re=$2 limit=${3:-$TUI_TIMEOUT}
  local end=$((SECONDS + limit))
  while :; do
    grep -qE -- "$re" "$f" 2>/dev/null && return 0
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.05
  done
}

trap 'tui_stop; rm -rf "$_tmp_root"' EXIT
