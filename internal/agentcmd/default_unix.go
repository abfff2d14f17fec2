//go:build !windows

package agentcmd

// DefaultConfig is where the agent's configuration is read from when
// -config does not say.
const DefaultConfig = "/etc/sluice/agent.hcl"
