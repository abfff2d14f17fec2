package daemon

import "os"

// hupSignals is empty: Windows never sends SIGHUP.
var hupSignals []os.Signal
