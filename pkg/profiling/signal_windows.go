package profiling

import "os"

// dumpSignals is empty on Windows, which has no SIGUSR1: profiles are
// written at exit only.
var dumpSignals []os.Signal
