#!/usr/bin/env bash
# Compares, in one run, `shibori render --format cdk-json` with `cdk synth` of an AWS CDK v2
# app that includes the rendered template (tools/cdk, cloudformation_include.CfnInclude):
# the time a CDK user pays for the same resources. Sizes in targets as arguments
# (default: 1 1024). Needs `bash scripts/install-validators.sh` first (tools/cdk).
#
#   bash scripts/bench-vs-cdk.sh 1 256 1024
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SHIBORI_ROOT"

sizes=("$@")
((${#sizes[@]})) || sizes=(1 1024)
cdk_dir="$SHIBORI_ROOT/tools/cdk"
cdk_bin="$cdk_dir/node_modules/.bin/cdk"
[[ -x "$cdk_bin" ]] || { err "tools/cdk is not installed: run bash scripts/install-validators.sh"; exit 1; }
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$SHIBORI_ROOT/target}/release/shibori"
work="$(mktemp -d "${TMPDIR:-/tmp}/shibori-vs-cdk.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# best of N wall-clock seconds of a command (or shell function)
best_of() {
  local n="$1" best="" t s
  shift
  for ((i = 0; i < n; i++)); do
    s="$(date +%s.%N)"
    "$@" >/dev/null 2>&1
    t="$(awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN{printf "%.3f", e-s}')"
    if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best="$t"; fi
  done
  printf '%s' "$best"
}

printf '%-8s %-10s %12s %12s %10s\n' targets templates "shibori (s)" "cdk synth (s)" ratio
for n in "${sizes[@]}"; do
  python3 benches/gen_large_intent.py "$n" >"$work/intent-$n.yaml"
  out="$work/out-$n"
  "$bin" render "$work/intent-$n.yaml" --format cdk-json --out "$out" 2>/dev/null
  templates=("$out"/*.template.json)
  parent="$out/large.template.json"
  node "$cdk_dir/manifest.js" "$work/manifest-$n.json" "$parent" >/dev/null
  t_shibori="$(best_of 5 "$bin" render "$work/intent-$n.yaml" --format cdk-json --out "$work/again-$n")"
  synth() { (cd "$cdk_dir" && SHIBORI_MANIFEST="$work/manifest-$n.json" CDK_DISABLE_VERSION_CHECK=1 \
    "$cdk_bin" synth --quiet --no-notices --no-version-reporting --ci -o "$work/cdk.out-$n" </dev/null); }
  t_cdk="$(best_of 1 synth)"
  ratio="$(awk -v a="$t_cdk" -v b="$t_shibori" 'BEGIN{ if (b > 0) printf "%.0fx", a/b; else print "n/a" }')"
  printf '%-8s %-10s %12s %12s %10s\n' "$n" "${#templates[@]}" "$t_shibori" "$t_cdk" "$ratio"
done
