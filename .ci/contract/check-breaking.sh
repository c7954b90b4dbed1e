#!/usr/bin/env bash
# The breaking-change check: compares schema/schema.graphql with the SDL of the last release
# (the highest version in schema/released/) using graphql-inspector's `diff`, and fails on a
# breaking change unless CHANGELOG.md's newest release heading announces a new major version.
#
# The newest release heading is the topmost line of the form `## [X.Y.Z]` (what follows the
# bracket, such as ` - 2026-03-01` or ` - unreleased`, is ignored; `## [Unreleased]` is not a
# release heading). See docs/conventions.md, "Versions".
#
# Usage: .ci/contract/check-breaking.sh [REPO_ROOT]   (default: this repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "${1:-$here/../..}" && pwd)"
changelog="$root/CHANGELOG.md"

released="$(find "$root/schema/released" -maxdepth 1 -name '*.graphql' -printf '%f\n' \
  | sed -n 's/^\([0-9]\+\.[0-9]\+\.[0-9]\+\)\.graphql$/\1/p' | sort -V | tail -1)"
if [ -z "$released" ]; then
  echo "contract: no released SDL (schema/released/X.Y.Z.graphql)" >&2
  exit 1
fi
newest="$(sed -n 's/^## \[\([0-9]\+\.[0-9]\+\.[0-9]\+\)\].*/\1/p' "$changelog" | head -1)"
if ! grep -qE "^## \[${released//./\\.}\]" "$changelog"; then
  echo "contract: CHANGELOG.md has no heading \`## [$released]\` for the released SDL" \
    "schema/released/$released.graphql" >&2
  exit 1
fi
if [ "$(printf '%s\n%s\n' "$released" "$newest" | sort -V | tail -1)" != "$newest" ]; then
  echo "contract: CHANGELOG.md's newest release ($newest) is older than the released SDL" \
    "($released)" >&2
  exit 1
fi

echo "contract: schema/schema.graphql against schema/released/$released.graphql" \
  "(CHANGELOG.md's newest release: $newest)"
CONTRACT_RELEASED="$released" CONTRACT_NEWEST="$newest" \
  "$here/node_modules/.bin/graphql-inspector" diff \
  "$root/schema/released/$released.graphql" "$root/schema/schema.graphql" \
  --onComplete "$here/breaking-gate.cjs"
