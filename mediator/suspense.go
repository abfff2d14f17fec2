package mediator

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
)

// suspendRetryAfter is what a Suspend asks the agent to wait before
// coming back to this mediator.
const suspendRetryAfter = 30 * time.Second

// suspense is the mediator's suspense condition (LogRhythm): when its
// state backlog or its disk is over the limit it refuses new agents and
// sends Suspend to connected ones, so they fail over to another mediator
// instead of piling more onto this one. It clears when the backlog has
// drained below the low-water mark and the disk has room again.
type suspense struct {
	backlogMax    int64
	backlogResume int64
	minFree       int64
	dir           string
	backlog       func() int64
	freeBytes     func(dir string) (int64, error)
	registry      *registry
	logger        hclog.Logger

	mu  sync.Mutex
	why string
}

// reason is why the mediator is in suspense, "" when it is not.
func (s *suspense) reason() string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.why
}

// check evaluates the condition once and acts on a change.
func (s *suspense) check() {
	backlog := s.backlog()
	free, ferr := s.freeBytes(s.dir)
	s.mu.Lock()
	was := s.why
	why := ""
	switch {
	case s.backlogMax > 0 && backlog > s.backlogMax:
		why = fmt.Sprintf("state backlog %d entries over suspense_backlog %d", backlog, s.backlogMax)
	case s.minFree > 0 && ferr == nil && free < s.minFree:
		why = fmt.Sprintf("free disk %d MiB in %s under suspense_min_free %d MiB", free>>20, s.dir, s.minFree>>20)
	case was != "" && s.backlogMax > 0 && backlog > s.backlogResume:
		why = was // hold until the backlog is under the low-water mark
	case was != "" && s.minFree > 0 && ferr == nil && free < s.minFree+s.minFree/10:
		why = was
	}
	s.why = why
	s.mu.Unlock()
	switch {
	case was == "" && why != "":
		n := s.registry.kickAll(kick{suspend: true, reason: why})
		s.logger.Warn("entering suspense: refusing agents and suspending connected ones", "reason", why, "agents_suspended", n)
	case was != "" && why == "":
		s.logger.Info("suspense cleared: accepting agents again", "backlog", backlog)
	}
}

// run checks every interval until ctx is done.
func (s *suspense) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.check()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// diskFree is the space available to unprivileged writers in dir.
func diskFree(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
