package mediator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/mpe"
)

// ErrRuleTests is wrapped when a rule set loads but its test blocks fail:
// the mediator refuses such a set, at start and on reload.
var ErrRuleTests = errors.New("rule tests failed")

// ruleKeeper owns the rule set in force. A reload compiles the new set
// beside the old one, runs its tests, and swaps atomically: entries in
// flight finish on the set they started with, and a broken set is refused
// with its file:line errors while the previous one stays in force. Agents
// never notice.
type ruleKeeper struct {
	paths    []string
	webhooks *mpe.WebhookRunner
	logger   hclog.Logger

	current atomic.Pointer[mpe.RuleSet]

	mu        sync.Mutex // serialises reloads
	signature string     // what the files looked like when last loaded
	lastError atomic.Value
	reloads   atomic.Uint64
}

func newRuleKeeper(paths []string, webhooks *mpe.WebhookRunner, logger hclog.Logger) (*ruleKeeper, error) {
	if len(paths) == 0 {
		logger.Warn("no rules configured: every entry is kept as an Unknown event")
	}
	return newRuleKeeperFrom(paths, webhooks, logger, nil)
}

// newRuleKeeperFrom is newRuleKeeper for a set replacing prev (nil: none):
// its rules of the same name keep counting into prev's statistics, as
// over a reload. An organization whose rule paths change gets one.
func newRuleKeeperFrom(paths []string, webhooks *mpe.WebhookRunner, logger hclog.Logger, prev *mpe.RuleSet) (*ruleKeeper, error) {
	k := &ruleKeeper{paths: paths, webhooks: webhooks, logger: logger}
	k.lastError.Store("")
	if len(paths) == 0 {
		return k, nil
	}
	rs, _, err := k.compile(prev)
	if err != nil {
		return nil, err
	}
	k.current.Store(rs)
	k.signature = k.fileSignature(rs) // with the intel lists it read
	return k, nil
}

// compile loads and tests a rule set.
func (k *ruleKeeper) compile(prev *mpe.RuleSet) (*mpe.RuleSet, string, error) {
	sig := k.fileSignature(prev)
	rs, err := mpe.LoadWith(k.paths, mpe.LoadOptions{
		Webhooks: k.webhooks,
		Previous: prev,
		OnPanic: func(pi mpe.PanicInfo) {
			k.logger.Error("MPE panicked on an entry; it is kept as an error event", "stage", pi.Stage, "rule", pi.Rule, "agent", pi.Entry.Agent, "seq", pi.Entry.Seq, "panic", pi.Value)
		},
	})
	if err != nil {
		return nil, sig, fmt.Errorf("load rules: %w", err)
	}
	if rep := rs.RunTests(); rep.Failed > 0 {
		lines := make([]string, 0, len(rep.Failures))
		for _, f := range rep.Failures {
			lines = append(lines, f.String())
		}
		return nil, sig, fmt.Errorf("%w: %d passed, %d failed:\n%s", ErrRuleTests, rep.Passed, rep.Failed, strings.Join(lines, "\n"))
	}
	return rs, sig, nil
}

// reload compiles the rules again and swaps them in if they load and their
// tests pass. why is logged.
func (k *ruleKeeper) reload(why string) error {
	if len(k.paths) == 0 {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.current.Load()
	start := time.Now()
	rs, sig, err := k.compile(old)
	k.signature = sig // a broken set is not retried until the files change again
	if err != nil {
		k.lastError.Store(err.Error())
		k.logger.Error("rule reload refused; the previous rules stay in force", "trigger", why, "error", err)
		return err
	}
	k.current.Store(rs)
	k.signature = k.fileSignature(rs) // the new set may read other intel files
	k.lastError.Store("")
	k.reloads.Add(1)
	k.logger.Info("rules reloaded", "trigger", why, "rules", rs.Len(), "event_rules", rs.EventRules(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// fileSignature describes every rule file under the configured paths and
// every file the current set read (intel lists): a change in any of them,
// or a file added or removed, changes it.
func (k *ruleKeeper) fileSignature(rs *mpe.RuleSet) string {
	seen := map[string]bool{}
	var parts []string
	add := func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if fi, err := os.Stat(path); err == nil {
			parts = append(parts, fmt.Sprintf("%s|%d|%d", path, fi.Size(), fi.ModTime().UnixNano()))
		} else {
			parts = append(parts, path+"|missing")
		}
	}
	for _, p := range k.paths {
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".hcl") {
				add(path)
			}
			return nil
		})
	}
	if rs != nil {
		for _, f := range rs.Files() {
			add(f)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "\n")
}

// watch reloads when the rule or intel files change, checking every
// interval until ctx ends.
func (k *ruleKeeper) watch(ctx context.Context, every time.Duration) {
	if len(k.paths) == 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		k.reloadIfChanged()
	}
}

// reloadIfChanged reloads when a rule or intel file changed since the
// last load (refused or not).
func (k *ruleKeeper) reloadIfChanged() {
	if len(k.paths) == 0 {
		return
	}
	k.mu.Lock()
	changed := k.fileSignature(k.current.Load()) != k.signature
	k.mu.Unlock()
	if changed {
		_ = k.reload("files changed")
	}
}
