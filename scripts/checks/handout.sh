#!/usr/bin/env bash
# Renders the HTML handout (`shibori explain --format html`) of every example and of the
# explain fixtures in headless Chromium, as a room will see it, and checks:
#   - the page is self-contained: no <script>, no external reference;
#   - at 1280 px width no SVG text is smaller than 12 px, none leaves its image or
#     crosses a box edge, and no two SVG labels overlap: measured by the browser
#     (scripts/checks/handout-probe.js runs in a copy of the page; the page has no script);
#   - it prints to A4 PDF in at most MAX_PAGES pages;
#   - it renders to PNG (kept in $SHIBORI_HANDOUT_OUT when set, for a person to look at).
#
# Exits non-zero on any failure. A missing Chromium prints `SKIPPED: chromium not
# installed` and fails when CI=true. Setup: scripts/install-validators.sh (Debian chromium).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

MAX_PAGES=5

chrome=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then
    chrome="$c"
    break
  fi
done
if [ -z "$chrome" ]; then
  echo "SKIPPED: chromium not installed (run scripts/install-validators.sh)" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "handout: chromium is missing and CI=true: failing" >&2
    exit 1
  fi
  exit 0
fi

work="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$work" "$profile"' EXIT
out="${SHIBORI_HANDOUT_OUT:-$work/out}"
mkdir -p "$out"

cargo build --quiet --bin shibori
bin="${CARGO_TARGET_DIR:-$root/target}/debug/shibori"

run_chrome() {
  timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --hide-scrollbars --user-data-dir="$profile" "$@" 2>/dev/null || true
}

# page + probe -> a copy of the page that measures itself.
with_probe() {
  python3 -c '
import sys
page, probe, out = sys.argv[1:]
s = open(page, encoding="utf-8").read()
js = open(probe, encoding="utf-8").read()
open(out, "w", encoding="utf-8").write(s.replace("</body>", "<script>" + js + "</script></body>"))
' "$1" scripts/checks/handout-probe.js "$2"
}

# The DOM printed by --dump-dom on stdin -> "problems<TAB>summary<TAB>details".
summarize() {
  python3 -c '
import base64, json, re, sys
m = re.search(r"<pre id=\"shibori-probe\">([A-Za-z0-9+/=]+)</pre>", sys.stdin.read())
if not m:
    print("1\t?\tthe browser did not measure the page")
    sys.exit()
d = json.loads(base64.b64decode(m.group(1)))
bad = list(d["bad"])
if d["width"] > 1280:
    bad.append("the page is %d px wide at 1280" % d["width"])
print("%d\t%d diagrams, %d labels, smallest %.1f px\t%s" % (len(bad), d["svgs"], d["texts"], d["minPx"], "; ".join(bad[:8])))
'
}

intents=()
for f in examples/*/intent.yaml tests/fixtures/explain/*.yaml; do
  [ -f "$f" ] && intents+=("$f")
done

failed=0
for f in "${intents[@]}"; do
  name="$(echo "$f" | sed -e 's#^examples/##' -e 's#/intent\.yaml$##' -e 's#^tests/fixtures/explain/#fixture-#' -e 's#\.yaml$##')"
  html="$work/$name.html"
  "$bin" explain "$f" --format html --out "$html" 2>/dev/null

  problems=()
  if grep -qi '<script' "$html"; then problems+=("the page holds a <script>"); fi
  if grep -Eqi '(src|href)="(https?:)?//' "$html"; then problems+=("the page refers to the network"); fi

  with_probe "$html" "$work/$name.probe.html"
  IFS=$'\t' read -r nbad summary detail < <(run_chrome --window-size=1280,1000 --dump-dom "file://$work/$name.probe.html" | summarize)
  if [ "$nbad" != "0" ]; then problems+=("$detail"); fi

  run_chrome --window-size=1280,1600 --screenshot="$out/$name.png" "file://$html" >/dev/null
  [ -s "$out/$name.png" ] || problems+=("no PNG")
  run_chrome --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "file://$html" >/dev/null
  pages=0
  if [ -s "$out/$name.pdf" ]; then
    # The page tree's /Count: the number of pages.
    pages="$(grep -a -o '/Count [0-9]*' "$out/$name.pdf" | awk '{ if ($2 > n) n = $2 } END { print n + 0 }')"
  else
    problems+=("no PDF")
  fi
  if [ "$pages" -gt "$MAX_PAGES" ]; then problems+=("$pages A4 pages (at most $MAX_PAGES)"); fi

  if [ "${#problems[@]}" -eq 0 ]; then
    echo "ok   $name: $summary; $pages A4 pages"
  else
    echo "FAIL $name: $summary; $pages A4 pages: ${problems[*]}" >&2
    failed=1
  fi
done

"$chrome" --version 2>/dev/null || true
if [ "$failed" -ne 0 ]; then
  echo "handout: FAILED" >&2
  exit 1
fi
echo "handout: ok (PNG and PDF in $out)"
