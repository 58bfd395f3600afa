#!/usr/bin/env bash
# Every AWS snapshot fixture (tests/fixtures/audit/**/*.json that is describe output) checked
# against the output shapes of botocore's EC2 service model: keys, types and enum values.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

python="$SHIBORI_ROOT/.venv/bin/python"
[[ -x "$python" ]] && "$python" -c 'import botocore' 2>/dev/null || skip_missing_tool botocore
[[ -d tests/fixtures/audit ]] || { err "no tests/fixtures/audit: nothing to check"; exit 1; }
"$python" scripts/checks/aws_shapes.py tests/fixtures/audit
