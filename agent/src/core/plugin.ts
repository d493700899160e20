import type { Any } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import type { AgentMetrics } from "./agent-metrics";
import type { PushClient } from "./push-client";

/** What the agent's core lends a plugin. */
export interface AgentCore {
  clusterId: string;
  dataDir: string | undefined;
  logger: Logger;
  push: PushClient;
  /** The agent's metrics; a plugin registers its own in `metrics.registry`. */
  metrics: AgentMetrics;
  /** Sends an event to the gateway; false when no session is open (the event is dropped). */
  sendEvent(body: Any): boolean;
}

/** A plugin answers the gateway's commands whose body type it owns. */
export interface AgentPlugin {
  readonly name: string;
  handles(typeName: string): boolean;
  /** Carries out a command and returns the reply body; a thrown ConnectError becomes the reply's error. */
  handleCommand(body: Any, signal: AbortSignal): Promise<Any>;
  /** State reports for the Hello of every (re)connect, e.g. the imports running here. */
  reports(): Any[];
  close(): Promise<void>;
}

export type AgentPluginFactory = (core: AgentCore) => AgentPlugin;

export function typeNameOf(any: Any): string {
  return any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
}
