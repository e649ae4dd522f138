#!/usr/bin/env bash
# Build the wheel into OUTDIR (default dist/) and print its path.
#
# The wheel is built from a copy of the checkout in a temporary folder: the files
# git tracks or would track (untracked but not ignored), plus the one generated
# folder the package needs, changan/static/vendor/ (`make vendor`, from npm).
# So a wheel never picks up stray local files (old models, var/, caches), and
# building leaves nothing behind in the checkout (no build/lib, no egg-info).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-dist}"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
PYTHON="${PYTHON:-python3}"

cd "$ROOT"
if [ ! -f changan/static/vendor/.stamp ]; then
    echo "build_wheel: changan/static/vendor/ is missing or incomplete: run \`make vendor\` first" >&2
    exit 1
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "build_wheel: not a git checkout (the file list comes from git ls-files)" >&2
    exit 1
fi

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/changan-wheel-src.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

# Tracked and new files that exist now (a file deleted but not yet committed is skipped).
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - | tar -xf - -C "$STAGE"
tar --exclude=.stamp -cf - changan/static/vendor | tar -xf - -C "$STAGE"

mkdir -p "$OUT"
rm -f "$OUT"/changan-*.whl
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$OUT" "$STAGE" >&2
wheel="$(ls "$OUT"/changan-*.whl)"
echo "$wheel"
