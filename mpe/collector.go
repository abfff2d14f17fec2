package mpe

import (
	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
)

// ECS fields of the collecting agent and of its host.
const (
	FieldAgentName      = "agent.name"
	FieldAgentType      = "agent.type"
	FieldAgentVersion   = "agent.version"
	FieldHostName       = "host.name"
	FieldHostIP         = "host.ip"
	FieldHostOSType     = "host.os.type"
	FieldHostOSFamily   = "host.os.family"
	FieldHostOSName     = "host.os.name"
	FieldHostOSVersion  = "host.os.version"
	FieldHostOSPlatform = "host.os.platform"
	FieldHostOSKernel   = "host.os.kernel"
	FieldHostArch       = "host.architecture"
	// AgentType is agent.type of events a Sluice agent collected.
	AgentType = "sluice"
)

// CollectorInfo is what the agent that collected entries says of itself
// and its host in its hello (the mediator keeps it with each batch).
type CollectorInfo struct {
	Version                                                   string
	Hostname                                                  string
	IPs                                                       []string
	OSType, OSFamily, OSName, OSVersion, OSPlatform, OSKernel string
	Architecture                                              string
	// Forwarded are the agent's sources whose lines come from other
	// hosts (syslog, webhook): their events get no host.* from it.
	Forwarded []string
}

// Collector is a CollectorInfo made ready to be set on events: its
// values boxed once, for every entry of the batches it came with.
type Collector struct {
	version   any // agent.version, nil when unknown
	host      []event.Field
	forwarded map[string]bool
}

// NewCollector prepares info; nil when it says nothing.
func NewCollector(info CollectorInfo) *Collector {
	c := &Collector{forwarded: map[string]bool{}}
	if info.Version != "" {
		c.version = info.Version
	}
	add := func(k, v string) {
		if v != "" {
			c.host = append(c.host, event.Field{Key: k, Value: v})
		}
	}
	add(FieldHostName, info.Hostname)
	add(event.FieldHostname, info.Hostname)
	if len(info.IPs) > 0 {
		c.host = append(c.host, event.Field{Key: FieldHostIP, Value: append([]string(nil), info.IPs...)})
	}
	add(FieldHostOSType, info.OSType)
	add(FieldHostOSFamily, info.OSFamily)
	add(FieldHostOSName, info.OSName)
	add(FieldHostOSVersion, info.OSVersion)
	add(FieldHostOSPlatform, info.OSPlatform)
	add(FieldHostOSKernel, info.OSKernel)
	add(FieldHostArch, info.Architecture)
	for _, s := range info.Forwarded {
		c.forwarded[s] = true
	}
	if c.version == nil && len(c.host) == 0 {
		return nil
	}
	return c
}

// collectorFields are the fields setAgent and setHost may set, with
// their CEL types.
var collectorFields = map[string]*types.Type{
	FieldAgentName: types.StringType, FieldAgentType: types.StringType, FieldAgentVersion: types.StringType,
	FieldHostName: types.StringType, FieldHostIP: types.NewListType(types.StringType),
	FieldHostOSType: types.StringType, FieldHostOSFamily: types.StringType, FieldHostOSName: types.StringType,
	FieldHostOSVersion: types.StringType, FieldHostOSPlatform: types.StringType, FieldHostOSKernel: types.StringType,
	FieldHostArch: types.StringType,
}

var agentType any = AgentType

// setAgent sets ECS agent.* from the entry: agent.id and agent.name are
// the agent's id (the name it is configured and admitted by), agent.type
// "sluice", agent.version what its hello said. A JSON document that names
// its own agent (a Beat's event forwarded through a webhook) keeps it:
// that agent collected the event first.
func setAgent(ev *event.Event, e *Entry, id any) {
	if _, ok := ev.Get(event.FieldAgent); ok {
		return
	}
	ev.Set(event.FieldAgent, id)
	ev.Set(FieldAgentName, id)
	ev.Set(FieldAgentType, agentType)
	if c := e.Collector; c != nil && c.version != nil {
		ev.Set(FieldAgentVersion, c.version)
	}
}

// setHost sets ECS host.* from the collecting agent's host, unless the
// log said which host it is from (host.name or host.hostname, from its
// header, its rule or its JSON) or it came from another host (a
// forwarded source).
func setHost(ev *event.Event, e *Entry) {
	c := e.Collector
	if c == nil || len(c.host) == 0 || c.forwarded[e.LogSource] {
		return
	}
	if _, ok := ev.Get(FieldHostName); ok {
		return
	}
	if _, ok := ev.Get(event.FieldHostname); ok {
		return
	}
	for _, f := range c.host {
		ev.Set(f.Key, f.Value)
	}
}
