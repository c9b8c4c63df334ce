#!/usr/bin/env bash
# Runs every native fuzz target in the module, one at a time, for $1 each
# (default 30s), and lists the targets that failed at the end. Crashers are
# written to the package's testdata/fuzz/FuzzXxx, where they become
# regression tests. Very short times (a few seconds) can end a target with
# "context deadline exceeded" while Go is still minimizing: not a crash.
set -uo pipefail
t=${1:-30s}
failed=()
while read -r dir pkg; do
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
    echo "== $pkg $f ($t)"
    if ! go test -run='^$' -fuzz="^$f\$" -fuzztime="$t" -parallel=1 "$pkg"; then
      failed+=("$pkg $f")
    fi
  done
done < <(go list -f '{{.Dir}} {{.ImportPath}}' ./...)
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "all fuzz targets passed"
