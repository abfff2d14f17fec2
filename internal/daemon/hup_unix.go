//go:build unix

package daemon

import (
	"os"
	"syscall"
)

var hupSignals = []os.Signal{syscall.SIGHUP}
