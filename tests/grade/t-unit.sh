#!/usr/bin/env bash
# The grading engine's cmocka tests (tests/grade/test_grade.c), built
# against build/libwb.a with the project's warning flags, run once as is
# and once under AddressSanitizer and UndefinedBehaviorSanitizer; their TAP
# lines are this suite's.
. "$(dirname "$0")/../lib.sh"
t=$(tmpdir)
lib=$WB_TOP/build/libwb.a
if [ ! -f "$lib" ]; then skip "grade unit tests" "build/libwb.a missing: run make"; done_testing; exit; fi
flags=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow
  -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Werror -g
  -I"$WB_TOP/runner" $(pkg-config --cflags cmocka jansson libseccomp))
libs=($(pkg-config --libs cmocka jansson libseccomp) -lpthread -lm)
engine=$(ls "$WB_TOP"/runner/grade.c "$WB_TOP"/runner/*.c "$WB_TOP"/runner/util/*.c "$WB_TOP"/runner/checks/*.c |
  grep -v -e '/cmd_' -e '/script' -e '/app\.c' -e '/main\.c' | sort -u)
if gcc "${flags[@]}" -o "$t/test_grade" "$WB_TOP/tests/grade/test_grade.c" "$lib" "${libs[@]}" 2> "$t/cc.log"; then
  ok "test_grade builds without a warning"
  while IFS= read -r line; do
    case $line in
      ok*) ok "${line#ok * - }" ;;
      *) not_ok "${line#not ok * - }" ;;
    esac
  done < <(CMOCKA_MESSAGE_OUTPUT=TAP "$t/test_grade" 2>&1 | grep -E '^(not )?ok ')
else not_ok "test_grade builds"; diag "$(cat "$t/cc.log")"; fi
# The engine again, from source, with the sanitizers.
san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
if gcc "${flags[@]}" "${san[@]}" -Wno-error -I"$WB_TOP/build/gen" -o "$t/test_grade_san" \
  "$WB_TOP/tests/grade/test_grade.c" $engine "$WB_TOP"/build/gen/*.c "${libs[@]}" 2> "$t/san.log"; then
  out=$(ASAN_OPTIONS=detect_leaks=1 CMOCKA_MESSAGE_OUTPUT=TAP "$t/test_grade_san" 2>&1)
  if printf '%s\n' "$out" | grep -q '^not ok' || printf '%s\n' "$out" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error'; then
    not_ok "test_grade under ASan and UBSan"; diag "$out"
  else ok "test_grade under ASan and UBSan: no finding"; fi
else skip "test_grade under sanitizers" "could not build: $(head -3 "$t/san.log")"; fi
done_testing
