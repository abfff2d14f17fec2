package uplink

import (
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// Connections: one gRPC client connection per mediator address, kept
// across sessions and dropped when a stream on it proved dead.

// conn is the connection to addr, dialled on first use.
func (u *Uplink) conn(addr string) (*grpc.ClientConn, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.conns[addr]; ok {
		return c, nil
	}
	opts := []grpc.DialOption{
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 20 * time.Second, Timeout: 10 * time.Second}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16 << 20)),
		grpc.WithStatsHandler(&u.wire),
	}
	if len(u.cfg.DialOptions) == 0 {
		opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	opts = append(opts, u.cfg.DialOptions...)
	c, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	u.conns[addr] = c
	return c, nil
}

// dropConn closes and forgets the connection to addr, so the next attempt
// dials a new one.
func (u *Uplink) dropConn(addr string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.conns[addr]; ok {
		_ = c.Close()
		delete(u.conns, addr)
	}
}

// closeConns closes every connection when Run ends.
func (u *Uplink) closeConns() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for a, c := range u.conns {
		_ = c.Close()
		delete(u.conns, a)
	}
}
