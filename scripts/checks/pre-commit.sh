#!/usr/bin/env bash
# The real pre-commit (PyPI, in .venv) runs the hooks of .pre-commit-hooks.yaml on a
# scratch git repository: a clean commit passes shibori-check, shibori-render-check and
# shibori-verify; a broken intent fails shibori-check with its diagnostic. pre-commit
# builds shibori from this repository (`language: rust`, cargo install), at the working
# tree's state (uncommitted changes included), reusing target/ for
# the compiled dependencies. Needs no network beyond what cargo needs for the build.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

command -v pre-commit >/dev/null 2>&1 || skip_missing_tool pre-commit
command -v cargo >/dev/null 2>&1 || skip_missing_tool cargo

work="$(mktemp -d "${TMPDIR:-/tmp}/shibori-pre-commit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
# cargo install builds in release mode: share target/release's compiled dependencies.
export CARGO_TARGET_DIR="$SHIBORI_ROOT/target"

# The hooks repository at the working tree's state, untracked files included (as
# `pre-commit try-repo` does): a commit of a scratch index, referenced by nothing.
export GIT_INDEX_FILE="$work/index"
git read-tree HEAD
git add -A
rev="$(git commit-tree "$(git write-tree)" -p HEAD -m "pre-commit check snapshot")"
unset GIT_INDEX_FILE

repo="$work/repo"
git init -q "$repo"
git -C "$repo" config user.email ci@example.invalid
git -C "$repo" config user.name ci
git -C "$repo" config commit.gpgsign false
mkdir -p "$repo/vpn"
cp examples/seed-ssh/intent.yaml "$repo/vpn/intent.yaml"
cargo run --quiet -- render "$repo/vpn/intent.yaml" --format terraform --out "$repo/infra/vpn"
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $SHIBORI_ROOT
    rev: $rev
    hooks:
      - id: shibori-check
      - id: shibori-render-check
        args: [vpn/intent.yaml, --format, terraform, --out, infra/vpn]
      - id: shibori-verify
        args: [vpn/intent.yaml, --artifact, infra/vpn]
YAML

log "pre-commit: $(pre-commit --version); hooks at ${rev:0:12}"
git -C "$repo" add -A
log "--- a clean commit (builds shibori the first time)"
if ! (cd "$repo" && pre-commit run --all-files); then
  err "pre-commit: the hooks failed on a clean intent and current rendered files"
  exit 1
fi
(cd "$repo" && git commit -q -m "clean")

log "--- a broken intent"
sed -i 's#cidr: 192.168.1.0/24#cidr: 192.168.1.5/24#' "$repo/vpn/intent.yaml"
git -C "$repo" add -A
set +e
out="$(cd "$repo" && pre-commit run --files vpn/intent.yaml 2>&1)"
rc=$?
set -e
printf '%s\n' "$out"
if ((rc == 0)); then
  err "pre-commit: a broken intent passed"
  exit 1
fi
for want in "shibori check" "has host bits set" "--> vpn/intent.yaml:" "help: write the network address"; do
  if ! grep -qF -- "$want" <<<"$out"; then
    err "pre-commit: the failure does not show \`$want\`"
    exit 1
  fi
done
log "pre-commit: a clean commit passes the three hooks; a broken intent fails with its diagnostic"
