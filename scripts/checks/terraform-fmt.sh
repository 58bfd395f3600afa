#!/usr/bin/env bash
# `terraform fmt -check -recursive -diff` on every rendered Terraform module
# (examples/*/terraform). Terraform JSON (examples/*/terraform-json) needs no fmt.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

command -v terraform >/dev/null 2>&1 || skip_missing_tool terraform "it cannot be downloaded here; the machine image provides /usr/local/bin/terraform"

shopt -s nullglob
dirs=(examples/*/terraform)
((${#dirs[@]})) || no_inputs "Terraform modules (examples/*/terraform)"

log "terraform fmt: $(terraform version | head -n 1)"
bad=0
for dir in "${dirs[@]}"; do
  files=("$dir"/*.tf)
  if ((${#files[@]} == 0)); then
    err "$dir holds no .tf file"
    bad=$((bad + 1))
    continue
  fi
  if terraform fmt -check -recursive -diff -no-color "$dir"; then
    log "ok   $dir (${#files[@]} files)"
  else
    err "$dir is not terraform-fmt clean (diff above)"
    bad=$((bad + 1))
  fi
done

if ((bad)); then
  err "terraform fmt: $bad of ${#dirs[@]} module(s) failed"
  exit 1
fi
log "terraform fmt: ${#dirs[@]} module(s) clean"
