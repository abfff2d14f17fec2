// Package progress shows how far long work has gone: a progress bar on a
// terminal, and otherwise (a pipe, a file, a CI log) a plain line every
// few seconds, which a bar's carriage returns would garble.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// DefaultEvery is how often a plain line is written.
const DefaultEvery = 5 * time.Second

// Options describe the work.
type Options struct {
	// Description names it ("parse", "replay").
	Description string
	// Total is how much there is (bytes or items); 0 or less: unknown,
	// the bar is a spinner and lines give the count alone.
	Total int64
	// Bytes counts bytes (shown as KiB, MiB), not items.
	Bytes bool
	// Unit names what is counted in plain lines ("lines"); ignored with
	// Bytes.
	Unit string
	// Every is how often a plain line is written (DefaultEvery if 0).
	Every time.Duration

	// Terminal reports whether w is a terminal (nil: a file descriptor
	// that is one). Tests inject it, with the clock below.
	Terminal func(w io.Writer) bool
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Tick makes the ticker plain lines are written on (time.NewTicker
	// if nil); stop releases it.
	Tick func(d time.Duration) (c <-chan time.Time, stop func())
}

// Progress reports one piece of work. Add is safe from any goroutine.
type Progress struct {
	opts  Options
	w     io.Writer
	start time.Time
	done  atomic.Int64

	bar *progressbar.ProgressBar // on a terminal

	stop     chan struct{}
	finished chan struct{}
	once     sync.Once
	// wrote records that a plain line was written: Finish then sums up.
	wrote bool
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Start begins reporting to w (the command's stderr: its stdout is its
// output). Call Finish when the work ends.
func Start(w io.Writer, opts Options) *Progress {
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.Terminal == nil {
		opts.Terminal = IsTerminal
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick == nil {
		opts.Tick = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	p := &Progress{opts: opts, w: w, start: opts.Now(), stop: make(chan struct{}), finished: make(chan struct{})}
	if opts.Terminal(w) {
		total := opts.Total
		if total <= 0 {
			total = -1
		}
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(opts.Description),
			progressbar.OptionShowBytes(opts.Bytes),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionSetSpinnerChangeInterval(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
			progressbar.OptionUseIECUnits(true),
		)
		close(p.finished)
		return p
	}
	c, stopTick := opts.Tick(opts.Every)
	go func() {
		defer close(p.finished)
		defer stopTick()
		for {
			select {
			case <-p.stop:
				return
			case now := <-c:
				p.wrote = true
				fmt.Fprintln(w, p.line(now))
			}
		}
	}()
	return p
}

// Add counts n more bytes or items done.
func (p *Progress) Add(n int64) {
	p.done.Add(n)
	if p.bar != nil {
		_ = p.bar.Add64(n)
	}
}

// Set says how much is done so far, for work whose progress is read
// rather than counted (a server's backlog).
func (p *Progress) Set(n int64) {
	p.done.Store(n)
	if p.bar != nil {
		_ = p.bar.Set64(n)
	}
}

// Reader counts what is read through r.
func (p *Progress) Reader(r io.Reader) io.Reader { return &reader{r: r, p: p} }

type reader struct {
	r io.Reader
	p *Progress
}

func (r *reader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.p.Add(int64(n))
	return n, err
}

// Finish stops reporting. On a terminal the bar is completed; otherwise,
// when a periodic line was written, a last one sums up (work that ended
// within the first period stays quiet).
func (p *Progress) Finish() {
	p.once.Do(func() {
		if p.bar != nil {
			_ = p.bar.Finish()
			return
		}
		close(p.stop)
		<-p.finished
		if p.wrote {
			fmt.Fprintln(p.w, p.line(p.opts.Now())+", done")
		}
	})
}

// line is a plain progress line: "parse: 12.0 MiB of 40.0 MiB (30%), 15s".
func (p *Progress) line(now time.Time) string {
	done := p.done.Load()
	text := p.amount(done)
	if total := p.opts.Total; total > 0 {
		// "2 of 5 dead letters", "12.0 MiB of 40.0 MiB": the unit once.
		if !p.opts.Bytes {
			text = fmt.Sprint(done)
		}
		text += " of " + p.amount(total) + fmt.Sprintf(" (%d%%)", done*100/total)
	}
	return fmt.Sprintf("%s: %s, %s", p.opts.Description, text, now.Sub(p.start).Round(time.Second))
}

func (p *Progress) amount(n int64) string {
	if p.opts.Bytes {
		return bytesText(n)
	}
	if p.opts.Unit != "" {
		return fmt.Sprintf("%d %s", n, p.opts.Unit)
	}
	return fmt.Sprint(n)
}

// bytesText writes n as 512 B, 12.0 KiB, 3.4 MiB, 1.2 GiB.
func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
