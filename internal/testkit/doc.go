// Package testkit holds the helpers the tests of every layer share: run a
// daemon's Run until the test ends, wait for a condition, pick a free
// loopback port, log through the test, read the process's CPU time.
//
// It imports only the standard library and go-hclog, never a package of
// this module, so that pkg, agent, mpe, indexer, mediator, arm and the
// tests under test/ can all use it without bending the dependency
// direction (scripts/check-deps.sh checks this).
package testkit
