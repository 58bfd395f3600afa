#!/usr/bin/env bash
# checkov (PyPI, in .venv-checkov) over every rendered example: Terraform HCL
# (examples/*/terraform) and CloudFormation (examples/*/cloudformation, the cdk-json
# templates). Any failed check fails. The Terraform renderer skips CKV2_AWS_5 inline, with
# its reason: the caller attaches the destination security groups to the targets'
# instances through the `target_security_group_ids` output, which checkov cannot see.
# Terraform JSON is not scanned: checkov's terraform_json reader reports parsing errors
# and phantom resources on these valid files (the same module as the HCL, which is).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

checkov="$SHIBORI_ROOT/.venv-checkov/bin/checkov"
[[ -x "$checkov" ]] || checkov="$(command -v checkov || true)"
[[ -n "$checkov" ]] || skip_missing_tool checkov

dirs=()
while IFS= read -r -d '' d; do dirs+=("$d"); done < <(
  find examples -mindepth 2 -maxdepth 2 -type d \( -name terraform -o -name cloudformation -o -name cdk-json \) -print0 | sort -z
)
((${#dirs[@]})) || no_inputs "rendered examples (examples/*/{terraform,cloudformation,cdk-json})"

log "checkov: $("$checkov" --version), ${#dirs[@]} director(ies)"
failed=0
for d in "${dirs[@]}"; do
  case "$(basename "$d")" in
    terraform) framework=terraform ;;
    *) framework=cloudformation ;;
  esac
  set +e
  out="$("$checkov" -d "$d" --framework "$framework" --compact --quiet --skip-download --output cli 2>&1)"
  rc=$?
  set -e
  summary="$(grep -E 'Passed checks' <<<"$out" || true)"
  if ((rc != 0)) || grep -qE 'Failed checks: [1-9]|Parsing errors: [1-9]' <<<"$out"; then
    log "FAIL $d ($framework): ${summary:-exit $rc}"
    printf '%s\n' "$out"
    failed=$((failed + 1))
  elif [[ -z "$summary" ]]; then
    log "FAIL $d ($framework): checkov found nothing to scan"
    printf '%s\n' "$out"
    failed=$((failed + 1))
  else
    log "ok   $d ($framework): $summary"
  fi
done
if ((failed)); then
  err "checkov: $failed director(ies) with failed checks"
  exit 1
fi
log "checkov: ${#dirs[@]} director(ies), 0 failed checks"
