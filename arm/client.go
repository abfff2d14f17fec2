package arm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
)

// Client reads ARM's dashboard API (what `sluice heartbeats` uses).
type Client struct {
	// Base is ARM's HTTP address, "http://host:port" (a bare host:port
	// is taken as http).
	Base string
	HTTP *http.Client
	// Token is the bearer token sent with every request: a read token
	// for the grid, the admin token for Forget (it reads too). "" sends
	// none, which a loopback ARM without token files accepts.
	Token string
}

// NewClient returns a client for the ARM dashboard at addr.
func NewClient(addr string) *Client {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return &Client{Base: strings.TrimRight(addr, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// List returns the components f selects, sorted as the API sorts them.
func (c *Client) List(ctx context.Context, f Filter) (*ListResponse, error) {
	v := url.Values{}
	for _, s := range f.Statuses {
		v.Add("status", string(s))
	}
	for _, k := range f.Kinds {
		v.Add("kind", string(k))
	}
	if f.Organization != "" {
		v.Set("organization", f.Organization)
	}
	if f.Mediator != "" {
		v.Set("mediator", f.Mediator)
	}
	u := c.Base + "/v1/heartbeats"
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	var out ListResponse
	if err := c.get(ctx, u, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Organizations returns the organizations the client's token may see,
// with their agents' counts per status.
func (c *Client) Organizations(ctx context.Context) (*OrganizationsResponse, error) {
	var out OrganizationsResponse
	if err := c.get(ctx, c.Base+"/v1/organizations", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns one component with its history; kind may be "".
func (c *Client) Get(ctx context.Context, id string, kind Kind) (*Component, error) {
	u := c.Base + "/v1/heartbeats/" + url.PathEscape(id)
	if kind != "" {
		u += "?kind=" + url.QueryEscape(string(kind))
	}
	var out Component
	if err := c.get(ctx, u, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Forget removes a decommissioned component from ARM (DELETE
// /v1/heartbeats/{id}, an admin endpoint); kind may be "".
func (c *Client) Forget(ctx context.Context, id string, kind Kind) error {
	u := c.Base + "/v1/heartbeats/" + url.PathEscape(id)
	if kind != "" {
		u += "?kind=" + url.QueryEscape(string(kind))
	}
	return c.do(ctx, http.MethodDelete, u, http.StatusNoContent, nil)
}

func (c *Client) get(ctx context.Context, u string, out any) error {
	return c.do(ctx, http.MethodGet, u, http.StatusOK, out)
}

func (c *Client) do(ctx context.Context, method, u string, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach ARM at %s: %w", c.Base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("read ARM response: %w", err)
	}
	if resp.StatusCode != want {
		var e errorResponse
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("ARM: %s", e.Error)
		}
		return fmt.Errorf("ARM: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode ARM response: %w", err)
	}
	return nil
}

// WriteTable prints components as an aligned table with the grid's
// columns; ages are computed against now (ARM's clock). STALLED is last:
// a reason has spaces and any length. A mediator's warnings follow its
// stall, if any, in the same column, each said to be a warning: they are
// as long, and a column of their own would be empty for nearly every
// row.
func WriteTable(w io.Writer, cs []Component, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tHOST\tORGANIZATION\tSTATUS\tLAST HEARTBEAT\tLAST DATA PROCESSOR\tSTALLED")
	for i := range cs {
		c := &cs[i]
		dp := c.LastDataProcessor()
		if c.Kind == KindMediator || dp == "" {
			dp = "-"
		}
		var notes []string
		if c.Stalled != "" {
			notes = append(notes, c.Stalled+" (for "+Age(now.Sub(c.StalledSince))+")")
		}
		for _, w := range c.Warnings {
			notes = append(notes, "warning "+w.Kind+": "+w.Text+" (for "+Age(now.Sub(w.Since))+")")
		}
		stalled := "-"
		if len(notes) > 0 {
			stalled = strings.Join(notes, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Kind, dash(c.Hostname), dash(c.Organization),
			strings.ToUpper(string(c.Status)), Age(now.Sub(c.LastHeartbeat))+" ago", dp, stalled)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Age renders a duration the way the grid does: "45s", "12m30s",
// "3h05m", "2d04h".
func Age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	default:
		return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
	}
}
