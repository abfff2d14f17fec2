package mpe

import (
	"fmt"
	"testing"

	"github.com/sluicehq/sluice/pkg/event"
)

func TestConditions(t *testing.T) {
	lib := newTagLibrary()
	resolve := func(name string) (string, error) {
		p, _ := resolveName(name, lib)
		if p == "labels.nope" {
			return "", fmt.Errorf("never set")
		}
		return p, nil
	}
	ev := &event.Event{}
	ev.Set("user.name", "root")
	ev.Set("source.port", int64(22))
	ev.Set("process.name", "sshd")
	ev.Set("event.category", []string{"authentication", "session"})
	ev.Set("labels.ok", true)

	cases := []struct {
		expr string
		want bool
	}{
		{`event.login == "root"`, true},
		{`event.login != "root"`, false},
		{`"root" == event.login`, true},
		{`event.user.name == 'root'`, true},
		{`event.sport == 22`, true},
		{`event.sport == "22"`, true},
		{`event.login == "root" && event.process == "sshd"`, true},
		{`event.login == "bob" || event.process == "sshd"`, true},
		{`event.login == "bob" || event.process == "cron"`, false},
		{`!(event.login == "bob")`, true},
		{`event.login in ["admin", "root"]`, true},
		{`event.login in []`, false},
		{`has(event.login)`, true},
		{`has(event.dip)`, false},
		{`!has(event.dip)`, true},
		{`event.login.startsWith("ro")`, true},
		{`event.login.endsWith("ot")`, true},
		{`event.process.contains("sh")`, true},
		{`event.login.matches("^r..t$")`, true},
		{`event.ok == true`, true},
		{`true`, true},
		{`false || true`, true},
		// CEL semantics for absent fields: an error that && and || can
		// absorb, and that makes the whole condition false otherwise.
		{`event.dip == "192.0.2.1"`, false},
		{`event.dip != "192.0.2.1"`, false},
		{`!(event.dip == "192.0.2.1")`, false},
		{`event.dip == "x" || event.login == "root"`, true},
		{`event.dip == "x" && event.login == "bob"`, false},
		{`event.dip == "x" && event.login == "root"`, false},
		{`event.dip in ["x"]`, false},
		{`event.dip.startsWith("1")`, false},
		{`event.login == "root" && (event.sport == 22 || event.sport == 2222)`, true},
		{`event.login == "a\"b"`, false},
	}
	for _, c := range cases {
		cond, err := compileCondition(c.expr, resolve)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := holds(cond, ev); got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, got, c.want)
		}
	}

	bad := []struct {
		expr string
		off  int
	}{
		{`event.login = "root"`, 12},
		{`login == "root"`, 0},
		{`event.login ==`, 14},
		{`event.login == "root`, 15},
		{`event.login`, 11},
		{`"a" == "b"`, 0},
		{`event.nope == "x"`, 6},
		{`event.login.frobnicate("x")`, 12},
		{`event.login.matches("(")`, 20},
		{`(event.login == "x"`, 19},
		{`event.login == "x" extra`, 19},
		{`event.login in ["a" "b"]`, 20},
		{`event. == "x"`, 7},
		{`#`, 0},
		{``, 0},
	}
	for _, c := range bad {
		_, err := compileCondition(c.expr, resolve)
		ce, ok := err.(*condError)
		if !ok {
			t.Errorf("%q: got %v, want a condError", c.expr, err)
			continue
		}
		if ce.off != c.off {
			t.Errorf("%q: error %q at %d, want at %d", c.expr, ce.msg, ce.off, c.off)
		}
	}
}
