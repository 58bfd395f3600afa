#!/usr/bin/env bash
# cfn-lint on every rendered CloudFormation template: examples/*/cloudformation/ (YAML, and
# any nested templates under it) and examples/*/cdk-json/*.template.json, and every
# template of a 1,000-target render with one subnet per target
# (benches/gen_spread_intent.py: a parent and its nested stacks, each within
# CloudFormation's limits, see docs/architecture.md#nested-stacks).
# Any error or warning fails; informational findings are shown but do not fail.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

command -v cfn-lint >/dev/null 2>&1 || skip_missing_tool cfn-lint

templates=()
while IFS= read -r -d '' f; do templates+=("$f"); done < <(
  find examples -mindepth 2 -type f \( \
    \( -path 'examples/*/cloudformation/*' \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \) -o \
    \( -path 'examples/*/cdk-json/*' -name '*.template.json' \) \
    \) -print0 2>/dev/null | sort -z
)
((${#templates[@]})) || no_inputs "CloudFormation templates (examples/*/cloudformation/*.yaml, examples/*/cdk-json/*.template.json)"

# The large render, into a directory of its own.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin shibori
bin="${CARGO_TARGET_DIR:-$SHIBORI_ROOT/target}/release/shibori"
python3 benches/gen_spread_intent.py 1000 >"$work/spread.yaml"
"$bin" render "$work/spread.yaml" --format cloudformation --out "$work/spread" 2>/dev/null
while IFS= read -r -d '' f; do templates+=("$f"); done < <(
  find "$work/spread" -type f -name '*.yaml' -print0 | sort -z
)

log "cfn-lint: $(cfn-lint --version), ${#templates[@]} template(s)"
# cfn-lint takes about 10 ms per resource, one template after another: batches of
# templates run side by side, one per core. Its exit code is a bit mask (2 error,
# 4 warning, 8 informational; 1 means it failed), so a batch fails on the first three.
set +e
out="$(printf '%s\0' "${templates[@]}" |
  xargs -0 -n 4 -P "$(nproc 2>/dev/null || echo 2)" bash -c \
    'cfn-lint --format parseable -- "$@" 2>&1; rc=$?; exit $((rc & 7 ? 1 : 0))' _)"
rc=$?
set -e
for t in "${templates[@]}"; do
  if grep -F -- "$t:" <<<"$out" | grep -qE ':[EW][0-9]+:'; then
    log "FAIL $t"
  else
    log "ok   $t"
  fi
done
if [[ -n "$out" ]]; then
  log "cfn-lint findings:"
  printf '%s\n' "$out"
fi
if ((rc != 0)); then
  err "cfn-lint: errors or warnings found, or cfn-lint failed (xargs exit $rc); 0 of each are allowed"
  exit 1
fi
log "cfn-lint: ${#templates[@]} template(s), 0 errors, 0 warnings"
