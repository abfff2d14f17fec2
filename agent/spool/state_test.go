package spool_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
)

// TestState commits state records with lines and alone, and finds them,
// per source, after the spool is reopened; a nil value deletes one.
func TestState(t *testing.T) {
	dir := t.TempDir()
	sp, err := spool.Open(spool.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := sp.Commit(ctx, source.Batch{SourceID: "hook/a", Lines: []source.Line{{Raw: []byte("x")}},
		State: []source.StateRecord{{Key: "k1", Value: []byte("v1")}, {Key: "k2", Value: []byte("v2")}}}); err != nil {
		t.Fatal(err)
	}
	if err := sp.Commit(ctx, source.Batch{SourceID: "other", State: []source.StateRecord{{Key: "k1", Value: []byte("o")}}}); err != nil {
		t.Fatal(err)
	}
	if err := sp.SetState("hook/a", source.StateRecord{Key: "k1"}, source.StateRecord{Key: "k3", Value: []byte("v3")}); err != nil {
		t.Fatal(err)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	sp, err = spool.Open(spool.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	got := map[string]string{}
	if err := sp.State("hook/a", func(k string, v []byte) error { got[k] = string(v); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"k2": "v2", "k3": "v3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("state %v, want %v", got, want)
	}
	if d := sp.Depth(); d != 1 {
		t.Fatalf("depth %d, want 1 (state records are not entries)", d)
	}
	if cps, _ := sp.Checkpoints("hook/a"); len(cps) != 0 {
		t.Fatalf("checkpoints %v", cps)
	}
}
