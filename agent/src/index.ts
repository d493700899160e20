// Public face of the agent: options and the process runner.
export type { AgentOptions, ImportTuning, RunningAgent } from "./agent-options";
export { startAgent } from "./start-agent";
