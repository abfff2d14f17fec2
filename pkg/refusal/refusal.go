// Package refusal encodes why a mediator refused or ended an agent's
// stream as a gRPC status with a machine-readable reason, and decodes it on
// the agent side, so both ends agree on the words (docs/architecture.md,
// "The agent–mediator protocol", lists them).
package refusal

import (
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Reasons carried in the status's ErrorInfo.
const (
	MaxAgents = "max_agents"
	Suspense  = "suspense"
	Shutdown  = "shutdown"
	BadHello  = "bad_hello"
	Identity  = "identity"
	Pending   = "pending"
	Rejected  = "rejected"
	RateLimit = "rate_limit"
	// DuplicateIdentity: the agent id already has a live stream from
	// another spool (incarnation); the agent keeps its spool, backs off
	// and retries.
	DuplicateIdentity = "duplicate_identity"
	domain            = "sluice"
)

// Error returns a gRPC status error with code, reason and message.
func Error(code codes.Code, reason, msg string) error {
	st := status.New(code, msg)
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: domain}); err == nil {
		st = withInfo
	}
	return st.Err()
}

// Reason returns the code and reason of a status error from a mediator;
// reason is "" when the error carries none.
func Reason(err error) (codes.Code, string) {
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return status.Code(err), ""
	}
	st := se.GRPCStatus()
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.Domain == domain {
			return st.Code(), info.Reason
		}
	}
	return st.Code(), ""
}
