#!/usr/bin/env bash
# Enforces the dependency direction of docs/architecture.md ("Dependency
# direction"): a lower package never imports a higher one.
set -euo pipefail
mod=$(go list -m)
fail=0

# check PKGS FORBIDDEN...: no package matched by PKGS may depend on a FORBIDDEN one.
check() {
	local pkgs=$1; shift
	local deps
	deps=$(go list -deps -f '{{.ImportPath}}' "$pkgs" 2>/dev/null | grep "^$mod/" || true)
	for f in "$@"; do
		local bad
		bad=$(grep -E "^$mod/$f(/|$)" <<<"$deps" || true)
		if [ -n "$bad" ]; then
			echo "check-deps: $pkgs must not import $mod/$f (found: $(echo $bad | tr '\n' ' '))"
			fail=1
		fi
	done
}

[ -d proto ] && check ./proto/... pkg agent mpe indexer mediator arm
check ./pkg/... agent mpe indexer mediator arm
check ./agent/... mpe indexer mediator arm
check ./mpe/... indexer mediator agent arm
check ./indexer/... mpe mediator agent arm
if [ -d arm ]; then check ./arm/... agent mpe indexer mediator; fi
check ./mediator/... agent arm

if [ $fail -ne 0 ]; then exit 1; fi
echo "check-deps: import direction ok"
