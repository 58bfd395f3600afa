#!/usr/bin/env bash
# shibori against `cdk synth` of the same resources, in one run (docs/benchmarks.md#against-cdk-synth).
#
# For each size (targets; default 1 and 1024) it generates an intent with
# benches/gen_large_intent.py, then times, with the release binary:
#   - shibori render --format cloudformation   (best of 11)
#   - shibori render --format cdk-json         (best of 11)
#   - shibori render --format cloudformation --fsync (best of 11): files flushed to disk
#   - cdk synth of tools/cdk (best of --cdk-runs, default 1): an AWS CDK v2 app that includes
#     the cdk-json output with cloudformation_include.CfnInclude, the parent with
#     loadNestedStacks for every nested template -- what the rendered README tells a CDK user
#     to write. compare.js then asserts that the synthesized parent and nested templates hold
#     the same resources (logical IDs and types) as shibori's, so the figure is for the same
#     resources; the run fails otherwise.
#   - with --flat, also cdk synth of ONE stack with every resource (the nested templates
#     merged by tools/cdk/flatten.js; CDK's 500-resource check off with
#     -c @aws-cdk/core:stackResourceLimit=0), the app a CDK user would first write. Slow.
# and prints resources, templates, times and the ratios cdk synth / shibori.
#
#   bash scripts/bench-vs-cdk.sh                      # 1 and 1024 targets
#   bash scripts/bench-vs-cdk.sh --cdk-runs 3 --flat 1 1024 2048
#
# Needs tools/cdk installed (bash scripts/install-validators.sh). Runs one cdk synth at a
# time; the machine's load average is printed with the table, since it skews the figures.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SHIBORI_ROOT"

usage() { sed -n '2,24s/^# \{0,1\}//p' "$0"; }
cdk_runs=1
shibori_runs=11
flat=0
sizes=()
while (($#)); do
  case "$1" in
    --cdk-runs) cdk_runs="${2:?--cdk-runs needs a number}"; shift 2 ;;
    --flat) flat=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) err "unknown option $1"; usage >&2; exit 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
((${#sizes[@]})) || sizes=(1 1024)
for n in "${sizes[@]}" "$cdk_runs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { err "not a positive number: $n"; exit 2; }
done
# benches/gen_large_intent.py puts target t at host 4 + t/8 of one of 8 /24 subnets
for n in "${sizes[@]}"; do
  ((n <= 2015)) || { err "$n targets: benches/gen_large_intent.py makes valid intents of at most 2015 targets"; exit 2; }
done

cdk_dir="$SHIBORI_ROOT/tools/cdk"
cdk_bin="$cdk_dir/node_modules/.bin/cdk"
command -v node >/dev/null 2>&1 || { err "node is not on PATH (Node.js comes with the machine image)"; exit 1; }
if [[ ! -x "$cdk_bin" || ! -d "$cdk_dir/node_modules/aws-cdk-lib" ]]; then
  err "tools/cdk is not installed (no node_modules/.bin/cdk): run bash scripts/install-validators.sh"
  exit 1
fi

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$SHIBORI_ROOT/target}/release/shibori"
work="$(mktemp -d "${TMPDIR:-/tmp}/shibori-vs-cdk.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# best_of N CMD...: the best wall-clock seconds of N runs of CMD (output discarded). Fails,
# with CMD's output on stderr, if any run fails. The clock is bash's $EPOCHREALTIME, read
# without a subprocess, so the figure holds no `date` start-up of its own.
best_of() {
  local n="$1" best="" t s e i
  shift
  for ((i = 0; i < n; i++)); do
    s=$EPOCHREALTIME
    if ! "$@" >"$work/last.log" 2>&1; then
      err "failed: $*"
      cut -c1-400 "$work/last.log" | tail -n 40 >&2
      return 1
    fi
    e=$EPOCHREALTIME
    t="$(awk -v s="$s" -v e="$e" 'BEGIN{printf "%.4f", e-s}')"
    if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best="$t"; fi
  done
  printf '%s' "$best"
}
# render_fresh INTENT FORMAT [ARGS...]: shibori render into a directory that does not exist yet
fresh=0
render_fresh() {
  fresh=$((fresh + 1))
  "$bin" render "$1" --format "$2" --out "$work/fresh-$BASHPID-$fresh-$RANDOM" "${@:3}"
}
# ratio A B: A/B as "123x"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.0fx", a/b; else print "n/a" }'; }

# synth MANIFEST OUTDIR [CDK ARGS...]: cdk synth of tools/cdk, from a clean output directory
synth() {
  local manifest="$1" out="$2"
  shift 2
  rm -rf "$out"
  (cd "$cdk_dir" && SHIBORI_MANIFEST="$manifest" "$cdk_bin" synth --quiet --no-notices \
    --no-version-reporting --ci -o "$out" "$@" </dev/null)
}

cdk_version="$("$cdk_bin" --version 2>/dev/null | cut -d' ' -f1)"
lib_version="$(node -p "require('$cdk_dir/node_modules/aws-cdk-lib/package.json').version")"
log "shibori $("$bin" --version 2>/dev/null | awk '{print $NF}') (release) vs cdk synth: aws-cdk $cdk_version, aws-cdk-lib $lib_version, node $(node --version)"
log "shibori: best of $shibori_runs; cdk synth: best of $cdk_runs; $(nproc) cores; load average at start:$(uptime | sed 's/.*load average://')"

rows=()
for n in "${sizes[@]}"; do
  intent="$work/large-$n.yaml"
  python3 benches/gen_large_intent.py "$n" >"$intent"
  cfn="$work/cfn-$n" cdkjson="$work/cdk-json-$n"
  for f in cloudformation cdk-json; do
    out="$cfn"
    [[ "$f" == cdk-json ]] && out="$cdkjson"
    # quota warnings are expected at these sizes; errors are not
    if ! "$bin" render "$intent" --format "$f" --out "$out" 2>"$work/render.log"; then
      grep -A2 '^error' "$work/render.log" | head -n 20 >&2
      err "$n targets: shibori render --format $f failed"
      exit 1
    fi
  done
  templates=("$cdkjson"/*.template.json)
  cfn_templates=("$cfn"/*.yaml)
  if ((${#templates[@]} != ${#cfn_templates[@]})); then
    err "$n targets: ${#cfn_templates[@]} CloudFormation templates but ${#templates[@]} cdk-json templates"
    exit 1
  fi

  # Every timed render writes into a new directory: the cost of a first render, not of a
  # re-render that finds its files already up to date.
  t_cfn="$(best_of "$shibori_runs" render_fresh "$intent" cloudformation)"
  t_json="$(best_of "$shibori_runs" render_fresh "$intent" cdk-json)"
  # the same with every file and directory flushed to disk (render --fsync)
  t_sync="$(best_of "$shibori_runs" render_fresh "$intent" cloudformation --fsync)"

  # The CDK app: the parent, loadNestedStacks for each nested template (manifest.js).
  node "$cdk_dir/manifest.js" "$work/manifest-$n.json" "${templates[@]}"
  log "$n targets: cdk synth (parent + loadNestedStacks, ${#templates[@]} template(s))..."
  t_cdk="$(best_of "$cdk_runs" synth "$work/manifest-$n.json" "$work/cdk.out-$n")"
  if ! node "$cdk_dir/compare.js" "$work/manifest-$n.json" "$work/cdk.out-$n" >"$work/compare-$n.log"; then
    grep -v '^ok' "$work/compare-$n.log" >&2
    err "$n targets: cdk synth did not produce the same resources as shibori"
    exit 1
  fi
  resources="$(tail -n 1 "$work/compare-$n.log" | awk '{print $4}')"
  row="$(printf '%-8s %9s %9s %9s %9s %9s %11s %9s %9s %9s %8s' "$n" "$resources" "${#templates[@]}" \
    "$t_cfn" "$t_json" "$t_sync" "$t_cdk" "$(ratio "$t_cdk" "$t_cfn")" "$(ratio "$t_cdk" "$t_json")" \
    "$(ratio "$t_cdk" "$t_sync")" "$(awk -v c="$t_cdk" 'BEGIN{printf "%.1f", c/500*1000}')")"

  if ((flat)); then
    # the parent is the one template no other one names as nested
    parent="$(node -e '
      const fs = require("fs"), path = require("path");
      const files = process.argv.slice(1);
      const children = new Set();
      for (const f of files) for (const r of Object.values(JSON.parse(fs.readFileSync(f, "utf8")).Resources || {}))
        if (r.Type === "AWS::CloudFormation::Stack") children.add(path.resolve(path.dirname(f), r.Properties.TemplateURL));
      const parents = files.filter((f) => !children.has(path.resolve(f)));
      if (parents.length !== 1) { console.error(`expected one parent template, got ${parents.length}`); process.exit(1); }
      console.log(parents[0]);' "${templates[@]}")"
    node "$cdk_dir/flatten.js" "$parent" "$work/flat-$n.template.json" >/dev/null
    node "$cdk_dir/manifest.js" "$work/manifest-flat-$n.json" "$work/flat-$n.template.json"
    log "$n targets: cdk synth (one flat stack, stackResourceLimit=0)..."
    t_flat="$(best_of "$cdk_runs" synth "$work/manifest-flat-$n.json" "$work/cdk.out-flat-$n" \
      -c @aws-cdk/core:stackResourceLimit=0)"
    if ! node "$cdk_dir/compare.js" "$work/manifest-flat-$n.json" "$work/cdk.out-flat-$n" >"$work/compare-flat-$n.log"; then
      grep -v '^ok' "$work/compare-flat-$n.log" >&2
      err "$n targets: flat cdk synth did not produce the same resources as shibori"
      exit 1
    fi
    flat_resources="$(tail -n 1 "$work/compare-flat-$n.log" | awk '{print $4}')"
    row+="$(printf ' %11s %9s %9s' "$t_flat" "$flat_resources" "$(ratio "$t_flat" "$t_cfn")")"
  fi
  rows+=("$row")
done

log ""
header="$(printf '%-8s %9s %9s %9s %9s %9s %11s %9s %9s %9s %8s' targets resources templates "cfn (s)" \
  "cdk-json" "cfn+fsync" "cdk synth" "synth/cfn" "synth/cj" "synth/fs" "500x(ms)")"
((flat)) && header+="$(printf ' %11s %9s %9s' "flat synth" "flat res" "flat/cfn")"
log "$header"
for row in "${rows[@]}"; do log "$row"; done
log ""
log "cfn / cdk-json: shibori render --format cloudformation / cdk-json (s); cfn+fsync: the same"
log "with --fsync (every file and directory flushed to disk; cdk synth does not); cdk synth: the CDK app"
log "including the cdk-json parent with loadNestedStacks (s), same resources as shibori (compare.js);"
log "500x(ms): the render time that would be 500x faster than that cdk synth."
((flat)) && log "flat synth: one CDK stack with every resource except the AWS::CloudFormation::Stack ones."
log "load average at end:$(uptime | sed 's/.*load average://')"
