#!/usr/bin/env bash
# Renders the `shibori explain` handout of every example (Markdown and dot) with the
# release binary and checks the diagrams with the real tools: every ```mermaid block
# must parse with the pinned Mermaid parser (tools/mermaid, run by Node) and every dot
# file must render to SVG with Graphviz.
#
# Exits non-zero on any failure. A missing tool prints `SKIPPED: <tool> not installed`
# and fails when CI=true (a green CI must mean the diagrams were checked).
# Setup: `npm ci` in tools/mermaid; Debian package `graphviz`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

skipped=0
skip() {
  echo "SKIPPED: $1 not installed${2:+ ($2)}" >&2
  skipped=1
}

cargo build --release --quiet --bin shibori
bin="${CARGO_TARGET_DIR:-$root/target}/release/shibori"

# Examples, plus handouts made to stress escaping (intents whose names and groups hold
# characters that Mermaid, Markdown or dot treat specially).
intents=()
for f in examples/*/intent.yaml tests/fixtures/explain/*.yaml; do
  [ -f "$f" ] && intents+=("$f")
done
if [ "${#intents[@]}" -eq 0 ]; then
  echo "FAIL: no intents found" >&2
  exit 1
fi

for f in "${intents[@]}"; do
  name="$(echo "$f" | tr '/' '_' | sed 's/\.yaml$//')"
  "$bin" explain "$f" --out "$work/$name.md" 2>/dev/null
  "$bin" explain "$f" --format dot --out "$work/$name.dot" 2>/dev/null
done
echo "rendered ${#intents[@]} handouts (markdown + dot) into $work"

failed=0

# Mermaid: the real parser, pinned in tools/mermaid/package-lock.json.
if ! command -v node >/dev/null 2>&1; then
  skip node "Mermaid diagrams not parsed"
elif [ ! -d tools/mermaid/node_modules/mermaid ]; then
  skip mermaid "tools/mermaid/node_modules missing: run \`npm ci\` in tools/mermaid"
else
  if ! node tools/mermaid/check.mjs "$work"/*.md; then
    failed=1
  fi
fi

# Graphviz: every dot file renders to SVG without errors or warnings.
if ! command -v dot >/dev/null 2>&1; then
  skip graphviz "dot files not rendered"
else
  ok=0
  bad=0
  for f in "$work"/*.dot; do
    if dot -Tsvg "$f" -o "${f%.dot}.svg" 2>"$f.err" && [ ! -s "$f.err" ] && grep -q '<svg' "${f%.dot}.svg"; then
      ok=$((ok + 1))
    else
      echo "FAIL $(basename "$f"): $(cat "$f.err")" >&2
      bad=$((bad + 1))
    fi
  done
  echo "graphviz $(dot -V 2>&1 | sed 's/^dot - //')"
  echo "dot: $ok passed, $bad failed"
  [ "$bad" -eq 0 ] || failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "diagrams: FAILED" >&2
  exit 1
fi
if [ "$skipped" -ne 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "diagrams: a validator is missing and CI=true: failing" >&2
    exit 1
  fi
  echo "diagrams: passed, but some validators were SKIPPED (see above)" >&2
  exit 0
fi
echo "diagrams: ok"
