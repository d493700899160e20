import type { Any } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { AgentHub } from "./agent-hub";
import type { AgentSession } from "./agent-session";
import type { ClusterRegistry } from "./cluster-registry";
import type { GatewayMetrics } from "./gateway-metrics";
import type { SinkClient } from "./sink-client";
import type { Store } from "./store";

/** What the core lends a plugin. */
export interface GatewayCore {
  hub: AgentHub;
  clusters: ClusterRegistry;
  /** Plugins register their own metrics in metrics.registry. */
  metrics: GatewayMetrics;
  store: Store;
  sink: SinkClient;
  logger: Logger;
  queryUrl: string | undefined;
  tenantHeader: string;
}

/**
 * A plugin brings its management service and reacts to agents; the core knows nothing
 * of what the plugin does. Agent events and hello reports are routed by their Any type.
 */
export interface GatewayPlugin {
  readonly name: string;
  registerRoutes(router: ConnectRouter): void;
  /** Whether this plugin owns messages of this Any type name. */
  handles(typeName: string): boolean;
  /** After the Welcome is sent; `reports` are the Hello's reports this plugin owns. */
  agentConnected?(session: AgentSession, reports: Any[]): Promise<void>;
  agentDisconnected?(session: AgentSession): void;
  /** An Event from an agent whose body this plugin owns. */
  agentEvent?(session: AgentSession, body: Any): Promise<void>;
  close?(): Promise<void>;
}

export type GatewayPluginFactory = (core: GatewayCore) => Promise<GatewayPlugin>;

export function typeNameOf(any: Any): string {
  return any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
}
