#!/usr/bin/env bash
# Runs every go test -fuzz target of the project for FUZZTIME each
# (default 30s): `make fuzz` for a real pass, FUZZTIME=500x (runs, not
# seconds: a time limit can expire mid-run and fail) in `make test`
# for a short one that keeps the targets working.
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
fail=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' || true)
	for t in $targets; do
		echo "fuzz: $pkg $t ($fuzztime)"
		if ! go test -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" -parallel 2 "$pkg" >/tmp/fuzz-$t.log 2>&1; then
			echo "fuzz: $pkg $t FAILED:"; tail -30 /tmp/fuzz-$t.log
			fail=1
		fi
	done
done
exit $fail
