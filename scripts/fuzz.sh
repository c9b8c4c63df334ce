#!/usr/bin/env bash
# Runs every native fuzz target in the module, one at a time, for $1 each.
set -euo pipefail
t=${1:-30s}
go list -f '{{.Dir}} {{.ImportPath}}' ./... | while read -r dir pkg; do
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
    echo "== $pkg $f ($t)"
    go test -run='^$' -fuzz="^$f\$" -fuzztime="$t" -parallel=1 "$pkg"
  done
done
