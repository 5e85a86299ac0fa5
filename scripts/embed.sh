#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const char NAME[]` holding
# FILE's bytes (NUL-terminated) and `const unsigned long NAME_len`.
# Bytes, not a string literal: ISO C caps literals at 4095 characters.
name=$1
file=$2
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$file"
printf 'extern const char %s[];\nextern const unsigned long %s_len;\n' "$name" "$name"
printf 'const char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed -e 's/  */ /g' -e 's/^ //' -e 's/ *$//' -e '/^$/d' \
  -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
printf '0x00};\nconst unsigned long %s_len = sizeof(%s) - 1;\n' "$name" "$name"
