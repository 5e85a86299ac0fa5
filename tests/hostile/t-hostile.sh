#!/usr/bin/env bash
# tests/hostile/t-hostile.sh: hostile programs against the strict sandbox.
#
# Each tests/hostile/cases/<name>.c starts with a line
#     // expect: STATUS [check ...]
# where STATUS is OK, RE, SG, TO, OL, ML, FL or XX (the sandbox's verdict)
# and the checks are
#     build=inside        compile the case inside the box (gcc -c) and take
#                         the compiler's status; otherwise gcc builds it
#                         outside and the box runs ./prog
#     cflags=A,B          extra compiler flags (commas become spaces)
#     needs=LAYER         skip when the sandbox here lacks LAYER
#     stdout~RE stderr~RE the program's output matches (grep -E; '.' for
#                         a space)
#     channel=empty       run with --channel 3; nothing may arrive there
#     read-refused=FILE   after the run, reading FILE from the box (as a
#                         grader would) must be refused, not followed
#     host-absent=PATH    PATH (~ is $HOME) must not exist on the host
#     no-setid            no set-uid or set-gid file is left in the box
#     no-core             no core file is left in the box
# Cases print ESCAPED and exit 42 when an attack works.  Every run is also
# checked for the secret (a file outside the boxes, its path compiled in
# as SECRET) showing up in the output, and the exit status of the command
# must match the status (0 OK, 2 XX, 1 otherwise).
#
# After the cases: no box process is left, no box cgroup is left, a
# sentinel process outside survived kill(-1), and nothing outside the
# boxes changed (/etc, the secret, the marker files).
#
# The sandbox is `workbook sandbox`, or until main.c lists that command, a
# stand-in built from driver.c with the same cmd_sandbox().  Cases run a
# few at a time (WB_HOSTILE_JOBS, default 3) with short limits.

. "$(dirname "$0")/../lib.sh"

here=$WB_TOP/tests/hostile
jobs_max=${WB_HOSTILE_JOBS:-3}
# Our own box uids, apart from other workbook runs on the machine.
uid_base=62000
limits=(--time 1 --wall 2 --mem 128M --procs 32 --output 1M --fsize 4M
	--tmp 16M --uid-base $uid_base)
# To see the suite catch a weaker sandbox: WB_HOSTILE_DISABLE=seccomp,uid
if [ -n "${WB_HOSTILE_DISABLE:-}" ]; then
	limits+=(--disable "$WB_HOSTILE_DISABLE")
fi

# ---- the sandbox command ----------------------------------------------------

sbx=()
if [ -x "$WB" ] && "$WB" sandbox --layers >/dev/null 2>&1; then
	# a copy: others may relink build/workbook while the cases run
	cp "$WB" "$_tmp_root/workbook"
	sbx=("$_tmp_root/workbook" sandbox)
else
	drv=$_tmp_root/sandbox-driver
	# shellcheck disable=SC2046
	if ! gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g \
		-I"$WB_TOP/runner" -o "$drv" "$here/driver.c" \
		"$WB_TOP/runner/cmd_sandbox.c" "$WB_TOP/runner/sandbox.c" "$WB_TOP/runner/proc.c" \
		"$WB_TOP"/runner/util/*.c \
		$(pkg-config --cflags --libs libseccomp) -lpthread -lm \
		>"$_tmp_root/driver.log" 2>&1; then
		not_ok "build the sandbox stand-in from driver.c"
		diag "$(cat "$_tmp_root/driver.log")"
		done_testing
		exit 1
	fi
	sbx=("$drv")
fi
if ! layers_text=$("${sbx[@]}" --layers ${WB_HOSTILE_DISABLE:+--disable "$WB_HOSTILE_DISABLE"} 2>&1); then
	not_ok "the sandbox probes: $layers_text"
	done_testing
	exit 1
fi
layers=$(printf '%s\n' "$layers_text" | sed -n 's/^layers: //p')
diag "sandbox: ${sbx[*]}" "$layers_text"

# ---- the host before ----------------------------------------------------------

secret_dir=$(tmpdir)
token="WB-SECRET-$RANDOM$RANDOM-$$"
secret=$secret_dir/flag.txt
printf '%s\n' "$token" >"$secret"
chmod 644 "$secret" # readable by anyone on the host: only the box hides it

# The files the cases try to change or read, and anything they might plant
# (not all of /etc: other work on the machine, such as apt, may change it).
snapshot_etc() {
	for f in /etc/passwd /etc/shadow /etc/gshadow /etc/group /etc/hostname /etc/sudoers; do
		[ -e "$f" ] && stat -c '%n %s %Y %a %u' "$f" && md5sum <"$f"
	done
	ls -a /etc | grep -i 'wb\|hostile\|workbook'
}
etc_before=$(snapshot_etc)
secret_before=$(md5sum <"$secret")
procs_before=$(ls /proc | grep -c '^[0-9]')
sentinel=$(
	sleep 600 >/dev/null 2>&1 &
	echo $!
)

# ---- one case -----------------------------------------------------------------

# The result of a case is one line in $res/<name>:
#     ok|not ok|skip <TAB> description <TAB> diagnostics (\n as \\n)
res=$(tmpdir)

run_case() {
	local src=$1 name line want
	name=$(basename "$src" .c)
	line=$(head -n 1 "$src")
	line=${line#// expect: }
	read -r want line <<<"$line"

	local build=outside cflags=() needs=() checks=()
	local read_file="" channel=0 tok
	for tok in $line; do
		case $tok in
		build=*) build=${tok#build=} ;;
		cflags=*) IFS=, read -r -a cflags <<<"${tok#cflags=}" ;;
		needs=*) needs+=("${tok#needs=}") ;;
		read-refused=*) read_file=${tok#read-refused=} ;;
		channel=*) channel=1 ;;
		*) checks+=("$tok") ;;
		esac
	done
	local need
	for need in "${needs[@]}"; do
		case ",$layers," in
		*",$need,"*) ;;
		*)
			printf 'skip\t%s\tno %s here\n' "$name" "$need" >"$res/$name"
			return
			;;
		esac
	done

	local dir box
	dir=$(mktemp -d "$_tmp_root/case.XXXXXX")
	box=$dir/box
	mkdir "$box"
	cp "$src" "$box/case.c"
	local defs=("-DSECRET=\"$secret\"" "-DHOST_HOME=\"$HOME\"")
	local args=("${limits[@]}" --box "$box" --meta "$dir/meta")
	local cmd
	if [ "$build" = inside ]; then
		# compilers are slower than the cases: more time, same box
		args+=(--time 20 --wall 40 --mem 512M)
		cmd=(gcc "${cflags[@]}" "${defs[@]}" -c case.c -o case.o)
	else
		if ! gcc -O0 "${cflags[@]}" "${defs[@]}" -o "$box/prog" \
			"$box/case.c" -lpthread >"$dir/cc" 2>&1; then
			printf 'not ok\t%s: does not compile\t%s\n' "$name" \
				"$(head -c 2000 "$dir/cc" | sed 's/$/\\n/' | tr -d '\n')" \
				>"$res/$name"
			return
		fi
		cmd=(./prog)
	fi
	[ "$channel" = 1 ] && args+=(--channel 3 --channel-file "$dir/channel")
	[ -n "$read_file" ] && args+=(--read "$read_file")

	local rc got why=()
	(cd / && exec "${sbx[@]}" "${args[@]}" -- "${cmd[@]}" \
		>"$dir/out" 2>"$dir/err" </dev/null) &
	local pid=$!
	echo "$pid" >>"$res/pids" # its box cgroups are named after it
	wait "$pid"
	rc=$?
	got=$(sed -n 's/^status://p' "$dir/meta" 2>/dev/null)
	[ "$got" = "$want" ] || why+=("status ${got:-none}, wanted $want")
	case $got in
	OK) [ "$rc" -eq 0 ] || why+=("exit status $rc for OK") ;;
	XX) [ "$rc" -eq 2 ] || why+=("exit status $rc for XX") ;;
	"") why+=("no meta (exit status $rc)") ;;
	*) [ "$rc" -eq 1 ] || why+=("exit status $rc for $got") ;;
	esac
	if grep -qF "$token" "$dir/out" "$dir/err" "$dir/meta" 2>/dev/null; then
		why+=("the secret from outside the box is in the output")
	fi
	if grep -q ESCAPED "$dir/out" 2>/dev/null; then
		why+=("$(grep -m1 ESCAPED "$dir/out")")
	fi
	if [ "$channel" = 1 ] && [ -s "$dir/channel" ]; then
		why+=("the channel got: $(head -c 200 "$dir/channel")")
	fi
	if [ -n "$read_file" ] && ! grep -q '^read-error:' "$dir/meta"; then
		why+=("reading '$read_file' from the box followed the planted link")
	fi
	local c path
	for c in "${checks[@]}"; do
		case $c in
		stdout~*)
			grep -qE -- "${c#stdout~}" "$dir/out" ||
				why+=("stdout does not match /${c#stdout~}/")
			;;
		stderr~*)
			grep -qE -- "${c#stderr~}" "$dir/err" ||
				why+=("stderr does not match /${c#stderr~}/")
			;;
		host-absent=*)
			path=${c#host-absent=}
			path=${path/#\~/$HOME}
			if [ -e "$path" ]; then
				why+=("$path exists on the host")
				rm -f "$path"
			fi
			;;
		no-setid)
			[ -z "$(find "$box" -perm /6000 2>/dev/null)" ] ||
				why+=("set-id files in the box: $(find "$box" -perm /6000)")
			;;
		no-core)
			[ -z "$(find "$box" -name 'core*' 2>/dev/null)" ] ||
				why+=("a core file in the box")
			;;
		*) why+=("unknown check '$c' in the expect line") ;;
		esac
	done

	local verdict=ok
	[ ${#why[@]} -eq 0 ] || verdict="not ok"
	{
		printf '%s\t%s: %s' "$verdict" "$name" "$want"
		printf '\t'
		printf '%s\\n' "${why[@]}" "meta: $(tr '\n' ' ' <"$dir/meta" 2>/dev/null)" \
			"stdout: $(head -c 300 "$dir/out" | tr '\n' ' ')" \
			"stderr: $(head -c 600 "$dir/err" | tr '\n' ' ')"
		printf '\n'
	} >"$res/$name"
}

# ---- run them -------------------------------------------------------------------

t0=$SECONDS
ncases=0
for src in "$here"/cases/*.c; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
	done
	run_case "$src" &
	ncases=$((ncases + 1))
done
wait

for src in "$here"/cases/*.c; do
	name=$(basename "$src" .c)
	if [ ! -s "$res/$name" ]; then
		not_ok "$name: the case runner died"
		continue
	fi
	IFS=$'\t' read -r verdict desc details <"$res/$name"
	case $verdict in
	ok) ok "$desc" ;;
	skip) skip "$desc" "$details" ;;
	*)
		not_ok "$desc"
		printf '%b' "$details" | sed 's/^/# /' | head -20
		;;
	esac
done
diag "$ncases cases in $((SECONDS - t0)) s"

# ---- the host after -------------------------------------------------------------

[ "$ncases" -ge 40 ] && ok "at least 40 hostile cases ($ncases)" ||
	not_ok "at least 40 hostile cases (only $ncases)"

left=$(ps -e -o uid=,pid=,args= |
	awk -v b=$uid_base '$1 >= b && $1 < b + 256')
if [ -z "$left" ]; then ok "no box process is left"; else
	not_ok "no box process is left"
	diag "$left"
fi

pgrep -P $$ >"$_tmp_root/kids" # run by us, so no subshell shows up
kids=$(grep -vx "$sentinel" "$_tmp_root/kids")
if [ -z "$kids" ]; then ok "no process of the suite is left"; else
	not_ok "no process of the suite is left"
	diag "$(ps -o pid=,args= -p "$(echo "$kids" | tr '\n' ',' | sed 's/,$//')")"
fi

if kill -0 "$sentinel" 2>/dev/null; then ok "a process outside survived kill(-1)"; else
	not_ok "a process outside survived kill(-1)"
fi
kill "$sentinel" 2>/dev/null

# Box cgroups of the suite's sandbox processes (all gone now) would be
# leaks.
stale=""
for d in $(find /sys/fs/cgroup -maxdepth 8 -type d \
	\( -name 'box-*' -o -name 'slot-*' \) -path '*/workbook/*' 2>/dev/null); do
	pid=$(basename "$d" | cut -d- -f2)
	grep -qx "$pid" "$res/pids" 2>/dev/null && stale="$stale $d"
done
if [ -z "$stale" ]; then ok "no box cgroup is left"; else
	not_ok "no box cgroup is left"
	diag $stale
fi

if [ "$(snapshot_etc)" = "$etc_before" ]; then ok "/etc is unchanged"; else
	not_ok "/etc is unchanged"
fi
if [ "$(md5sum <"$secret")" = "$secret_before" ]; then
	ok "the secret outside the boxes is unchanged"
else
	not_ok "the secret outside the boxes is unchanged"
fi
markers=$(ls -d /tmp/wb-hostile* "$HOME"/wb-hostile* /etc/wb-hostile* \
	/usr/local/bin/wb-hostile* 2>/dev/null)
if [ -z "$markers" ]; then ok "no marker file outside the boxes"; else
	not_ok "no marker file outside the boxes"
	diag "$markers"
	rm -f $markers
fi

# Other work on the machine changes the total; box processes are checked
# above, this is for the log.
procs_after=$(ls /proc | grep -c '^[0-9]')
diag "host processes: $procs_before before, $procs_after after"

done_testing
