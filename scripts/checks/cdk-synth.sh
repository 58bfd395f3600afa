#!/usr/bin/env bash
# `cdk synth` of tools/cdk (AWS CDK v2 app, cloudformation_include.CfnInclude) for every
# examples/*/cdk-json/*.template.json, each parameter given a plausible dummy value of its
# type; then asserts that each synthesized template holds the same resources (logical IDs
# and types) as the input. No AWS credentials and no network are needed.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

cdk_dir="$SHIBORI_ROOT/tools/cdk"
cdk_bin="$cdk_dir/node_modules/.bin/cdk"
command -v node >/dev/null 2>&1 || skip_missing_tool node "Node.js comes with the machine image"
[[ -x "$cdk_bin" && -d "$cdk_dir/node_modules/aws-cdk-lib" ]] || skip_missing_tool "aws-cdk (tools/cdk/node_modules)"

templates=()
while IFS= read -r -d '' f; do templates+=("$f"); done < <(
  find examples -mindepth 3 -path 'examples/*/cdk-json/*' -name '*.template.json' -type f -print0 2>/dev/null | sort -z
)
((${#templates[@]})) || no_inputs "CDK-JSON templates (examples/*/cdk-json/*.template.json)"

work="$(mktemp -d "${TMPDIR:-/tmp}/shibori-cdk.XXXXXX")"
trap 'rm -rf "$work"' EXIT

node "$cdk_dir/manifest.js" "$work/manifest.json" "${templates[@]}"

synth() { # synth MANIFEST OUTDIR
  (cd "$cdk_dir" && SHIBORI_MANIFEST="$1" "$cdk_bin" synth --quiet --no-notices \
    --no-version-reporting --no-asset-metadata --no-path-metadata --ci -o "$2" </dev/null)
}

log "cdk synth: aws-cdk $("$cdk_bin" --version 2>/dev/null), aws-cdk-lib $(node -p "require('$cdk_dir/node_modules/aws-cdk-lib/package.json').version"), ${#templates[@]} template(s)"
if ! synth "$work/manifest.json" "$work/out" >"$work/synth.log" 2>&1; then
  cut -c1-400 "$work/synth.log"
  err "cdk synth failed; synthesizing each template alone to name the culprit(s):"
  bad=0
  count="$(node -p "require('$work/manifest.json').length")"
  for ((i = 0; i < count; i++)); do
    node -e "const m=require('$work/manifest.json'); require('fs').writeFileSync('$work/one.json', JSON.stringify([m[$i]]))"
    name="$(node -p "require('$work/one.json')[0].display")"
    if synth "$work/one.json" "$work/out-one" >"$work/one.log" 2>&1; then
      log "ok   $name"
    else
      log "FAIL $name:"
      cut -c1-400 "$work/one.log" | sed 's/^/       /'
      bad=$((bad + 1))
    fi
  done
  err "cdk synth: $bad template(s) failed to synthesize"
  exit 1
fi
grep -v -e '^$' -e 'feature flags are not configured' "$work/synth.log" || true

node "$cdk_dir/compare.js" "$work/manifest.json" "$work/out"
log "cdk synth: ${#templates[@]} template(s) synthesized with the same resources"
