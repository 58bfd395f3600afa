#!/usr/bin/env bash
# Installs the real tools that scripts/checks/*.sh run against the rendered examples.
# Idempotent, and fast when everything is already there.
#   cfn-lint (PyPI, pinned)        -> .venv/ in the repo (gitignored)
#   botocore (PyPI, pinned)        -> .venv/ (its EC2 model checks the AWS snapshot fixtures)
#   npm ci in every tools/*/ with a package-lock.json (e.g. tools/cdk: aws-cdk-lib + aws-cdk CLI)
#   graphviz (Debian) when `dot` is missing
#   chromium (Debian) when missing: scripts/checks/handout.sh renders the HTML handouts
#   terraform: cannot be downloaded here; checked, and reported loudly when absent
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SHIBORI_ROOT"

CFN_LINT_VERSION="1.58.0"
failures=0

# --- cfn-lint ------------------------------------------------------------------------------
venv="$SHIBORI_ROOT/.venv"
have_cfn_lint_version() {
  [[ -x "$venv/bin/cfn-lint" ]] && [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("cfn-lint"))' 2>/dev/null)" == "$CFN_LINT_VERSION" ]]
}
if have_cfn_lint_version; then
  log "cfn-lint $CFN_LINT_VERSION: already installed in .venv"
else
  log "cfn-lint $CFN_LINT_VERSION: installing into .venv"
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
  fi
  if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" \
    && have_cfn_lint_version; then
    log "cfn-lint: $("$venv/bin/cfn-lint" --version)"
  else
    err "could not install cfn-lint==$CFN_LINT_VERSION into $venv"
    failures=$((failures + 1))
  fi
fi

# --- botocore ------------------------------------------------------------------------------
BOTOCORE_VERSION="1.44.8"
have_botocore_version() {
  [[ -x "$venv/bin/python" ]] && [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("botocore"))' 2>/dev/null)" == "$BOTOCORE_VERSION" ]]
}
if have_botocore_version; then
  log "botocore $BOTOCORE_VERSION: already installed in .venv"
else
  log "botocore $BOTOCORE_VERSION: installing into .venv"
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
  fi
  if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "botocore==$BOTOCORE_VERSION" \
    && have_botocore_version; then
    log "botocore: $BOTOCORE_VERSION"
  else
    err "could not install botocore==$BOTOCORE_VERSION into $venv"
    failures=$((failures + 1))
  fi
fi

# --- npm ci in tools/*/ -------------------------------------------------------------------
if compgen -G "tools/*/package-lock.json" >/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    err "npm is not installed: cannot install tools/*/ (Node.js and npm come with the machine image)"
    failures=$((failures + 1))
  else
    for lock in tools/*/package-lock.json; do
      dir="$(dirname "$lock")"
      stamp="$dir/node_modules/.shibori-lock.sha256"
      want="$(sha256sum "$lock" | cut -d' ' -f1)"
      if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        log "$dir: node_modules up to date with package-lock.json"
        continue
      fi
      log "$dir: npm ci"
      if (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
        printf '%s\n' "$want" >"$stamp"
      else
        err "npm ci failed in $dir"
        failures=$((failures + 1))
      fi
    done
  fi
fi

# --- graphviz -----------------------------------------------------------------------------
if command -v dot >/dev/null 2>&1; then
  log "graphviz: $(dot -V 2>&1)"
else
  log "graphviz: dot is missing, installing the Debian package"
  sudo_cmd=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo -n); else sudo_cmd=(false); fi
  fi
  if "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq graphviz >/dev/null \
    && command -v dot >/dev/null 2>&1; then
    log "graphviz: $(dot -V 2>&1)"
  else
    err "could not install graphviz (apt-get install graphviz needs root)"
    failures=$((failures + 1))
  fi
fi

# --- chromium -----------------------------------------------------------------------------
if command -v chromium >/dev/null 2>&1; then
  log "chromium: $(chromium --version 2>/dev/null)"
else
  log "chromium: missing, installing the Debian package"
  sudo_cmd=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo -n); else sudo_cmd=(false); fi
  fi
  if "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null \
    && command -v chromium >/dev/null 2>&1; then
    log "chromium: $(chromium --version 2>/dev/null)"
  else
    err "could not install chromium (apt-get install chromium needs root)"
    failures=$((failures + 1))
  fi
fi

# --- terraform ----------------------------------------------------------------------------
if command -v terraform >/dev/null 2>&1; then
  log "terraform: $(terraform version 2>/dev/null | head -n 1) at $(command -v terraform)"
else
  printf '\n!!! terraform is NOT on PATH. It cannot be downloaded on these machines; the\n' >&2
  printf '!!! terraform checks will report SKIPPED (and fail under CI=true).\n\n' >&2
  if is_ci; then failures=$((failures + 1)); fi
fi

if [[ "$failures" -ne 0 ]]; then
  err "install-validators: $failures problem(s), see above"
  exit 1
fi
log "install-validators: all validators present"
