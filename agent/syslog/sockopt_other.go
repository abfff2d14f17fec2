//go:build !linux

package syslog

import (
	"errors"
	"syscall"
)

var errNoDropCounter = errors.New("the socket's drop counter is read on Linux only")

func kernelDrops(syscall.RawConn) (uint32, error) { return 0, errNoDropCounter }

func forceReadBuffer(syscall.RawConn, int) error { return errNoDropCounter }

// readBuffer is unknown here: what was asked for is reported.
func readBuffer(syscall.RawConn) (int, error) { return 0, errNoDropCounter }
