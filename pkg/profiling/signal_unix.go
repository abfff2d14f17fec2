//go:build unix

package profiling

import (
	"os"
	"syscall"
)

// dumpSignals write a heap profile on demand (kill -USR1).
var dumpSignals = []os.Signal{syscall.SIGUSR1}
