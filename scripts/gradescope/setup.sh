#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (the bundle is unpacked in /autograder/source).  It installs the Debian
# or Ubuntu packages workbook needs and builds it there.
#
#   AUTOGRADER_ROOT   the autograder folder (default /autograder), so a
#                     test can set up a bundle in a temporary folder
set -eu
ROOT=${AUTOGRADER_ROOT:-/autograder}
SRC=$ROOT/source

# To build workbook, then what the check kinds run (compilers for the
# wasm and fuzz checks, node, lua, Python headers); a missing tool makes
# its checks skip, never pass.
PACKAGES=(gcc make pkg-config libc6-dev libncurses-dev liblua5.4-dev
  libcmocka-dev libmd4c-dev libjansson-dev libseccomp-dev python3
  util-linux clang lld nodejs lua5.4 python3-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
    --no-install-recommends "${missing[@]}"
fi

# The packages are there: tell make not to run scripts/deps again.
mkdir -p "$SRC/build"
touch "$SRC/build/.deps"
make -C "$SRC" -j"$(nproc)" build/workbook
"$SRC/build/workbook" --version
# What isolation this machine allows (printed in the image's build log).
"$SRC/build/workbook" sandbox --layers || true
