#!/usr/bin/env bash
# cfn-lint on every rendered CloudFormation template: examples/*/cloudformation/ (YAML, and
# any nested templates under it) and examples/*/cdk-json/*.template.json.
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

log "cfn-lint: $(cfn-lint --version), ${#templates[@]} template(s)"
set +e
out="$(cfn-lint --format parseable -- "${templates[@]}" 2>&1)"
rc=$?
set -e
# cfn-lint's exit code is a bit mask: 2 error, 4 warning, 8 informational; 1 means it failed.
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
if ((rc & 7)); then
  err "cfn-lint: errors or warnings found (exit $rc); 0 of each are allowed"
  exit 1
fi
log "cfn-lint: ${#templates[@]} template(s), 0 errors, 0 warnings"
