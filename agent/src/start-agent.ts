import type { AgentOptions, RunningAgent } from "./agent-options";

export async function startAgent(_options: AgentOptions): Promise<RunningAgent> {
  throw new Error("not yet built");
}
