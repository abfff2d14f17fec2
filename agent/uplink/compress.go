package uplink

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sluicehq/sluice/pkg/wirecompress"
)

// Compression on the wire: the stream to a mediator is compressed with
// the configured gRPC compressor (pkg/wirecompress). A mediator that does
// not have it (an older one) fails the stream with Unimplemented before
// reading the Hello; the uplink then opens it again uncompressed, at
// once and without counting a failure, and tries compression again at
// the next session (so an upgraded mediator gets it without a restart
// of the agent). The cost against an old mediator is one round trip per
// session.

// compressor is the gRPC compressor name to open streams with ("" none).
func (u *Uplink) compressor() string {
	if c := u.cfg.Compression; c != "" && c != wirecompress.None {
		return c
	}
	return ""
}

// encodingRefused reports whether err is a mediator's refusal of the
// stream's compression: gRPC servers answer a grpc-encoding they do not
// have with Unimplemented, and Connect itself is implemented by every
// mediator.
func encodingRefused(err error) bool {
	return status.Code(err) == codes.Unimplemented
}

// noteFallback counts a fallback to no compression and logs it, at warn
// level the first time for addr and at debug after that (it recurs at
// every session to an old mediator).
func (u *Uplink) noteFallback(addr, comp string, err error) {
	u.fallbacks.Add(1)
	u.mu.Lock()
	first := !u.fellBack[addr]
	u.fellBack[addr] = true
	u.mu.Unlock()
	log := u.logger.Debug
	if first {
		log = u.logger.Warn
	}
	log("mediator does not accept the compression; sending uncompressed (upgrade the mediator to compress)", "mediator", addr, "compression", comp, "reason", err)
}
