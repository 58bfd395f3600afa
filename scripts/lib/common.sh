# shellcheck shell=bash
# Helpers shared by scripts/install-validators.sh, scripts/test and scripts/checks/*.sh.
# Source it; do not run it.

# The repository root (the directory holding Cargo.toml).
SHIBORI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SHIBORI_ROOT

# Tools installed by scripts/install-validators.sh into the repo come first on PATH.
export PATH="$SHIBORI_ROOT/.venv/bin:$PATH"

# Never ask anything, never phone home.
export CDK_DISABLE_VERSION_CHECK=1
export CDK_DISABLE_CLI_TELEMETRY=true
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1
export NPM_CONFIG_UPDATE_NOTIFIER=false
export NPM_CONFIG_FUND=false
export NPM_CONFIG_AUDIT=false

# Exit code a check uses for "skipped" outside CI (the automake convention).
SHIBORI_SKIP_EXIT=77

log() { printf '%s\n' "$*"; }
err() { printf 'error: %s\n' "$*" >&2; }

is_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }

# skip_missing_tool TOOL [HINT]: a required tool is missing. Loud; fails under CI=true,
# otherwise exits with SHIBORI_SKIP_EXIT so scripts/test counts it as skipped.
skip_missing_tool() {
  local tool="$1" hint="${2:-run: bash scripts/install-validators.sh}"
  printf '\n' >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! SKIPPED: %s not installed (%s)\n' "$tool" "$hint" >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  if is_ci; then
    printf 'error: CI=true, so a missing %s is a failure\n' "$tool" >&2
    exit 1
  fi
  exit "$SHIBORI_SKIP_EXIT"
}

# no_inputs WHAT: nothing to check. Never pass vacuously.
no_inputs() {
  err "no $1 found under $SHIBORI_ROOT/examples: nothing to check, which is a failure (render the examples first)"
  exit 1
}

# A TF_CLI_CONFIG_FILE that names a missing file only makes terraform print a warning.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -e "$TF_CLI_CONFIG_FILE" ]]; then
  unset TF_CLI_CONFIG_FILE
fi
