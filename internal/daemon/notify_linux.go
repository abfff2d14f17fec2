package daemon

import (
	"context"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/hashicorp/go-hclog"
)

// NotifySystemd tells systemd that the daemon is ready, and that it is
// stopping once ctx ends, for units of Type=notify (packaging/systemd):
// call it when New has succeeded, so its listeners are open and its
// state loaded, and defer the returned stop. Without NOTIFY_SOCKET (not
// started by systemd) it does nothing. A failed notification is only
// logged: systemd then times the start out, which says more than we could.
func NotifySystemd(ctx context.Context, logger hclog.Logger) (stop func()) {
	logger = logger.Named("systemd")
	send := func(state string) {
		if _, err := daemon.SdNotify(false, state); err != nil {
			logger.Warn("cannot notify systemd", "state", state, "error", err)
		}
	}
	send(daemon.SdNotifyReady)
	stopAfter := context.AfterFunc(ctx, func() { send(daemon.SdNotifyStopping) })
	return func() { stopAfter() }
}
