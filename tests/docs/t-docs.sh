#!/usr/bin/env bash
# The book and the man page: they build, hold every lesson page, have no
# broken internal link, the man page lints clean, the EPUB is a sound zip.
. "$(dirname "$0")/../lib.sh"
cd "$WB_TOP" || exit 1

for tool in pandoc mandoc unzip python3; do
  if ! command -v "$tool" >/dev/null; then
    skip "docs" "$tool not found (scripts/deps installs it)"
    done_testing; exit 0
  fi
done

if out=$(WB="$WB" scripts/build-docs 2>&1); then ok "make docs builds"; else
  not_ok "make docs builds"; diag "$out"; done_testing; exit 1
fi
html=docs/build/workbook.html

# Every reading page's first heading appears in the HTML book.
missing=$(python3 - "$html" lessons/*/*.md <<'PY'
import html, re, sys
text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", open(sys.argv[1], encoding="utf-8").read())).split())
for md in sys.argv[2:]:
    for line in open(md, encoding="utf-8"):
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            plain = " ".join(re.sub(r"[`*_]", "", title).split())
            if plain not in text:
                print(md + ": " + title)
            break
PY
)
if [ -z "$missing" ]; then ok "every lesson page is in the HTML"; else not_ok "lesson pages missing from the HTML"; diag "$missing"; fi

# Quiz answers are folded away, exercises listed with their checks.
expect_match "$(grep -c '<details>' "$html")" '^[1-9]' "quiz answers folded in <details>"
for ex in $(build/workbook list --format json | python3 -c 'import json,sys; [print(x["name"]) for s in json.load(sys.stdin)["sections"] for x in s["exercises"]]'); do
  grep -q "workbook check $ex" "$html" || { not_ok "exercise $ex in the book"; continue; }
done
ok "every exercise appears with its check command"

broken=$(python3 - "$html" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
ids = set(re.findall(r'\bid="([^"]+)"', t))
for ref in sorted(set(re.findall(r'href="#([^"]*)"', t))):
    if ref not in ids:
        print("#" + ref)
PY
)
if [ -z "$broken" ]; then ok "no broken internal link"; else not_ok "broken internal links"; diag "$broken"; fi

lint=$(mandoc -T lint docs/build/workbook.1 2>&1)
if [ -z "$lint" ]; then ok "mandoc -T lint is clean"; else not_ok "mandoc -T lint"; diag "$lint"; fi
warn=$(MANWIDTH=80 man -l docs/build/workbook.1 2>&1 >/dev/null)
if [ -z "$warn" ]; then ok "man -l renders without warnings"; else not_ok "man -l warnings"; diag "$warn"; fi
rendered=$(MANWIDTH=80 man -l docs/build/workbook.1 2>/dev/null)
for word in list check next hint reset solution doctor init "dev check" WORKBOOK_STATE NO_COLOR "EXIT STATUS"; do
  printf '%s' "$rendered" | grep -q -- "$word" || not_ok "man page mentions $word"
done
ok "man page names every command, variable and the exit status"

if unzip -tq docs/build/workbook.epub >/dev/null 2>&1; then ok "EPUB is a valid zip"; else not_ok "EPUB is a valid zip"; fi
listing=$(unzip -l docs/build/workbook.epub)
expect_match "$listing" 'mimetype' "EPUB has its mimetype"
expect_match "$listing" 'content.opf' "EPUB has its package file"
expect_match "$listing" 'text/ch0' "EPUB has content chapters"
first=$(unzip -p docs/build/workbook.epub mimetype)
if [ "$first" = "application/epub+zip" ]; then ok "EPUB mimetype is right"; else not_ok "EPUB mimetype '$first'"; fi
done_testing
