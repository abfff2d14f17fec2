#!/usr/bin/env bash
# Enforces the dependency direction of docs/architecture.md ("Dependency
# direction"): a lower package never imports a higher one, and neither do
# its tests (tests that put layers together live under test/).
set -euo pipefail
mod=$(go list -m)
fail=0

# Every package of the module and everything it depends on, for the test
# imports below (one go list: it is slow).
declare -A deps_of
while read -r p ds; do
	deps_of[$p]=$ds
done < <(go list -f '{{.ImportPath}} {{join .Deps " "}}' ./...)

# Test imports allowed to cross a layer, "package-of-the-test imported"
# (one go list -f pattern each). Each is a test that must see the insides
# of its own layer while talking to the real client of another, so it
# cannot move to test/e2e without exporting those insides:
allowed=(
	# ARM's tests use the mediator's reporter (the ARM protocol's only
	# client) against an ARM whose clock, outbox and checks they drive
	# (outbox_test, reporter_test, security_test, leak_test).
	"arm mediator/armlink"
	# The mediator's intake tests (rate limit pacing, flood fairness) run
	# the real agent uplink against a mediator whose intake counters they
	# read (intake_test, flood_test).
	"mediator agent/uplink"
	"mediator agent/uplink/uplinktest"
)

is_allowed() {
	local a
	for a in "${allowed[@]}"; do
		[ "$a" = "${1#"$mod/"} ${2#"$mod/"}" ] && return 0
	done
	return 1
}

# report PKG FOUND FORBIDDEN...: complain about the FOUND packages (of the
# module) that are FORBIDDEN to PKG.
report() {
	local pkgs=$1 found=$2; shift 2
	local f bad
	for f in "$@"; do
		bad=$(grep -E "^$mod/$f(/|$)" <<<"$found" || true)
		if [ -n "$bad" ]; then
			echo "check-deps: $pkgs must not import $mod/$f (found: $(echo $bad | tr '\n' ' '))"
			fail=1
		fi
	done
}

# check PKGS FORBIDDEN...: no package matched by PKGS, nor its tests, may
# depend on a FORBIDDEN one.
check() {
	local pkgs=$1; shift
	local deps
	deps=$(go list -deps -f '{{.ImportPath}}' "$pkgs" 2>/dev/null | grep "^$mod/" || true)
	report "$pkgs" "$deps" "$@"
	# The tests: each import of the module (and what it depends on) of the
	# package's own and external (_test) test files.
	local p imps i tdeps
	while read -r p imps; do
		tdeps=""
		for i in $imps; do
			case $i in "$mod"/*) ;; *) continue ;; esac
			[ "$i" = "$p" ] && continue # an external test of p
			is_allowed "$p" "$i" && continue
			tdeps+="$i"$'\n'$(tr ' ' '\n' <<<"${deps_of[$i]:-}" | grep "^$mod/" || true)$'\n'
		done
		report "tests of ${p#"$mod/"}" "$tdeps" "$@"
	done < <(go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' "$pkgs")
}

# The shared test helpers are imported by the tests of every layer: they
# import nothing of the module.
check ./internal/testkit/... proto pkg agent mpe indexer mediator arm bench test
check ./internal/corpus/... proto pkg agent mpe indexer mediator arm bench test
# The agent-only binary of make cross and the command code it shares with
# main stay free of the mediator's side (its embedded index needs cgo).
check ./cmd/sluice-agent/... mpe indexer mediator arm
check ./internal/agentcmd/... mpe indexer mediator arm
check ./internal/daemon/... agent mpe indexer mediator arm
[ -d proto ] && check ./proto/... pkg agent mpe indexer mediator arm
check ./pkg/... agent mpe indexer mediator arm
check ./agent/... mpe indexer mediator arm
check ./mpe/... indexer mediator agent arm
check ./indexer/... mpe mediator agent arm
if [ -d arm ]; then check ./arm/... agent mpe indexer mediator; fi
check ./mediator/... agent arm

if [ $fail -ne 0 ]; then exit 1; fi
echo "check-deps: import direction ok"
