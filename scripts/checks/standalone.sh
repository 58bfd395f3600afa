#!/usr/bin/env bash
# The repository stands alone: `git clone` its committed HEAD into a fresh temporary directory
# that holds nothing else (no sibling directories), then build it and run the provider-schema
# test there, without network (`--offline`), and check that no tracked file points outside the
# clone at a sibling directory. Reuses CARGO_TARGET_DIR (default: this repository's target/)
# so that only shibori itself is compiled again.
# Uncommitted changes are not part of the clone: commit first to test them.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$SHIBORI_ROOT"

command -v git >/dev/null 2>&1 || skip_missing_tool git "install it from Debian: apt-get install git"
command -v cargo >/dev/null 2>&1 || skip_missing_tool cargo "install Rust with rustup"

head="$(git rev-parse HEAD)"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  log "note: the working tree has uncommitted changes; the clone tests the commit $head only"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/shibori-standalone.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
clone="$tmp/shibori"
git clone --quiet --no-hardlinks "$SHIBORI_ROOT" "$clone"
git -C "$clone" checkout --quiet --detach "$head"
log "standalone: cloned $head into $clone; beside it: $(find "$tmp" -mindepth 1 -maxdepth 1 | wc -l) entry (the clone)"

# No tracked file may point at a directory beside the repository.
if git -C "$clone" grep -n -I -e '\.\./shared' -- . ':!scripts/checks/standalone.sh'; then
  err "the files above refer to a directory beside the repository: a clone alone cannot use it"
  exit 1
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SHIBORI_ROOT/target}"
cd "$clone"
cargo build --locked --offline
cargo test --locked --offline --test terraform_schema
log "standalone: a clone alone builds and passes the provider-schema test"
