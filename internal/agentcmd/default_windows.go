package agentcmd

// DefaultConfig is where the agent's configuration is read from when
// -config does not say: the machine-wide application data folder.
const DefaultConfig = `C:\ProgramData\Sluice\agent.hcl`
