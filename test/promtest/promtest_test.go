package promtest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryMissing: a missing promtool or prometheus skips the test, and
// fails it under SLUICE_REQUIRE_PROMETHEUS=1. The test runs itself as a
// child, which asks for a binary that is nowhere.
func TestBinaryMissing(t *testing.T) {
	if os.Getenv("PROMTEST_CHILD") == "1" {
		Binary(t, "sluice-no-such-promtool")
		t.Fatal("Binary returned for a missing binary")
	}
	for _, tc := range []struct {
		require  string
		wantFail bool
		want     string
	}{
		{"", false, "--- SKIP"},
		{"1", true, "--- FAIL"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestBinaryMissing$", "-test.v")
		cmd.Env = append(os.Environ(), "PROMTEST_CHILD=1", RequireEnv+"="+tc.require)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tc.wantFail || !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "make test-deps") {
			t.Errorf("%s=%q: err %v, want failure %v and %q:\n%s", RequireEnv, tc.require, err, tc.wantFail, tc.want, out)
		}
	}
}
