#!/usr/bin/env bash
# scripts/gradescope/make-bundle.sh [--out FILE] [--only EX[,EX...]]...
#                                   [--course DIR]
# Build a Gradescope autograder bundle (`make gradescope` runs this):
# a zip holding setup.sh and run_autograder at the top, beside the
# workbook sources and the course (lessons/ with every hidden check,
# exercises/ with the starters), never solutions/.  Gradescope unpacks it
# in /autograder/source.  --only picks the
# exercises the assignment grades (default: all); --course takes the
# course from another folder (a lesson pack).  Upload the zip as the
# assignment's autograder ("Zip file upload").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/autograder.zip
course=$top
only=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --only) only+=("${2//,/ }"); shift 2 ;;
    --course) course=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--out FILE] [--only EX[,EX...]]... [--course DIR]" >&2; exit 2 ;;
  esac
done
[ -f "$course/lessons/course.lua" ] || { echo "make-bundle: no lessons/course.lua in $course" >&2; exit 2; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/gradescope.XXXXXX")
trap 'rm -rf "$stage"' EXIT
src=$stage
mkdir -p "$src/scripts"
# The program: what `make build/workbook` needs.
cp -R "$top/runner" "$top/Makefile" "$src/"
cp "$top/scripts/deps" "$top/scripts/embed.sh" "$src/scripts/"
# The course.
cp -R "$course/lessons" "$course/exercises" "$src/"
echo "ONLY=\"${only[*]}\"" > "$src/autograder.conf"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"
# Nothing the build or a learner left behind.
find "$stage" \( -name '*.o' -o -name '*.d' -o -name '.workbook' \) -prune -exec rm -rf {} +

mkdir -p "$(dirname "$out")"
rm -f "$out"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
# Sorted names and a fixed date: the same sources give the same zip.
(cd "$stage" && find . -exec touch -h -d '2000-01-01 00:00:00' {} + &&
  find . -type f -printf '%P\n' | LC_ALL=C sort | zip -q -X -@ "$out")
echo "make-bundle: $out ($(du -k "$out" | cut -f1) KiB; grades: ${only[*]:-every exercise})"
