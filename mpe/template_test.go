package mpe

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// TestPayloadTypedValues checks that a payload member that is one field
// keeps the field's type, written as the indexed document writes it
// (event.AppendJSONValue), and that number literals are written as
// encoding/json writes numbers.
func TestPayloadTypedValues(t *testing.T) {
	ev := &event.Event{}
	ev.Set("a.float", 1e21)
	ev.Set("a.small", 0.1)
	ev.Set("a.nan", math.NaN())
	ev.Set("a.int", int64(-7))
	ev.Set("a.list", []string{"x", "y"})
	ev.Set(event.FieldCollected, time.Date(2026, 3, 10, 11, 59, 58, 123456789, time.UTC))
	field := func(path string) *payload {
		return &payload{tpl: &template{parts: []tplPart{{path: path}}}}
	}
	p := &payload{isObj: true, obj: []payloadMember{
		{"float", field("a.float")},
		{"small", field("a.small")},
		{"nan", field("a.nan")},
		{"int", field("a.int")},
		{"list", field("a.list")},
		{"collected", field(event.FieldCollected)},
		{"absent", field("a.absent")},
		{"million", &payload{lit: jsonNumber(big.NewFloat(1e6))}},
		{"half", &payload{lit: jsonNumber(big.NewFloat(0.5))}},
	}}
	got := string(p.render(nil, ev))
	want := `{"float":1e+21,"small":0.1,"nan":null,"int":-7,"list":["x","y"],` +
		`"collected":"2026-03-10T11:59:58.123Z","absent":null,"million":1000000,"half":0.5}`
	if got != want {
		t.Errorf("payload\n got %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Errorf("payload is not JSON: %s", got)
	}
}
