//go:build linux

package syslog

import (
	"errors"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// kernelDrops reads the socket's drop counter (sk_drops: datagrams the
// kernel discarded because the receive buffer was full, or for want of
// memory) through SO_MEMINFO, as ss -m shows it. The counter is 32 bits
// and wraps; dropCounter accumulates it.
func kernelDrops(rc syscall.RawConn) (uint32, error) {
	var info [unix.SK_MEMINFO_VARS]uint32
	size := uint32(unsafe.Sizeof(info))
	var errno syscall.Errno
	err := rc.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall6(unix.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	if size <= unix.SK_MEMINFO_DROPS*4 {
		return 0, errors.New("SO_MEMINFO has no drop counter (Linux before 4.4)")
	}
	return info[unix.SK_MEMINFO_DROPS], nil
}

// forceReadBuffer sets the receive buffer past net.core.rmem_max, which
// only a process with CAP_NET_ADMIN (root, usually) may do.
func forceReadBuffer(rc syscall.RawConn, bytes int) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, bytes)
	})
	if err != nil {
		return err
	}
	return serr
}

// readBuffer is the receive buffer the kernel granted. Linux doubles
// what was asked for (half of it is for its own bookkeeping), so this is
// halved back to what read_buffer means.
func readBuffer(rc syscall.RawConn) (int, error) {
	var n int
	var serr error
	err := rc.Control(func(fd uintptr) {
		n, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
	})
	if err != nil {
		return 0, err
	}
	return n / 2, serr
}
