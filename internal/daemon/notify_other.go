//go:build !linux

package daemon

import (
	"context"

	"github.com/hashicorp/go-hclog"
)

// NotifySystemd does nothing: there is no systemd off Linux.
func NotifySystemd(context.Context, hclog.Logger) (stop func()) { return func() {} }
