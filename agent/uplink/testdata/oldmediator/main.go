// Command oldmediator is a mediator as those before compression were, for
// the uplink's negotiation test: a MediatorService in a process whose gRPC
// has no compressor registered but its built-in identity (it does not
// import pkg/wirecompress, nor gRPC's gzip). It welcomes every agent,
// acknowledges every batch, and prints "batch FIRST LAST" for each on
// stdout, after "listening ADDR".
package main

import (
	"fmt"
	"net"
	"os"
	"sync"

	"google.golang.org/grpc"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

type server struct {
	sluicev1.UnimplementedMediatorServiceServer
	mu sync.Mutex
}

func (s *server) Connect(stream sluicev1.MediatorService_ConnectServer) error {
	if _, err := stream.Recv(); err != nil {
		return err
	}
	if err := stream.Send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Welcome{Welcome: &sluicev1.Welcome{MediatorId: "old"}}}); err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if err != nil {
			return err
		}
		b := req.GetBatch()
		if b == nil {
			continue
		}
		s.mu.Lock()
		fmt.Printf("batch %d %d\n", b.GetFirstSeq(), b.GetLastSeq())
		s.mu.Unlock()
		if err := stream.Send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: b.GetLastSeq()}}}); err != nil {
			return err
		}
	}
}

func main() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening %s\n", lis.Addr())
	g := grpc.NewServer()
	sluicev1.RegisterMediatorServiceServer(g, &server{})
	if err := g.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
