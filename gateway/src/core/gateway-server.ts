import { createServer, type Http2Server, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { AgentLink } from "@ferry/api";
import type { Logger } from "pino";
import { AgentHub } from "./agent-hub";
import { createAgentLinkService } from "./agent-link-service";
import type { ClusterRegistry } from "./cluster-registry";
import { GatewayMetrics } from "./gateway-metrics";
import type { GatewayCore, GatewayPlugin, GatewayPluginFactory } from "./plugin";
import { SinkClient } from "./sink-client";
import type { Store } from "./store";

export interface GatewayServerOptions {
  store: Store;
  clusters: ClusterRegistry;
  remoteWriteUrl: string;
  tenantHeader: string;
  queryUrl: string | undefined;
  logger: Logger;
  plugins: readonly GatewayPluginFactory[];
  heartbeatIntervalMs: number;
  sinkTimeoutMs: number;
  /** Largest request message accepted (Push payloads). */
  readMaxBytes: number;
}

/**
 * The gateway's HTTP/2 server (h2c), serving Connect, gRPC and gRPC-Web on one port,
 * built without listening so tests can start it on port 0 and close it.
 */
export class GatewayServer {
  private readonly http2: Http2Server;
  private readonly sessions = new Set<Http2Session>();

  /** Builds the server and its plugins, without listening. */
  static async create(options: GatewayServerOptions): Promise<GatewayServer> {
    const hub = new AgentHub();
    const metrics = new GatewayMetrics(hub);
    const core: GatewayCore = {
      hub,
      metrics,
      clusters: options.clusters,
      store: options.store,
      sink: new SinkClient({
        remoteWriteUrl: options.remoteWriteUrl,
        tenantHeader: options.tenantHeader,
        timeoutMs: options.sinkTimeoutMs,
      }),
      logger: options.logger,
      queryUrl: options.queryUrl,
      tenantHeader: options.tenantHeader,
    };
    const plugins: GatewayPlugin[] = [];
    for (const factory of options.plugins) plugins.push(await factory(core));
    return new GatewayServer(options, hub, metrics, core.sink, plugins);
  }

  private constructor(
    private readonly options: GatewayServerOptions,
    readonly hub: AgentHub,
    readonly metrics: GatewayMetrics,
    private readonly sink: SinkClient,
    private readonly plugins: readonly GatewayPlugin[],
  ) {
    const agentLink = createAgentLinkService({
      hub,
      metrics,
      clusters: options.clusters,
      sink,
      plugins,
      logger: options.logger,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      helloTimeoutMs: 10_000,
    });
    const routes = (router: ConnectRouter) => {
      router.service(AgentLink, agentLink);
      for (const plugin of this.plugins) plugin.registerRoutes(router);
    };
    this.http2 = createServer(connectNodeAdapter({ routes, readMaxBytes: options.readMaxBytes }));
    this.http2.on("session", (session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
    });
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http2.once("error", reject);
      this.http2.listen(port, host, () => {
        this.http2.off("error", reject);
        resolve(this.http2.address() as AddressInfo);
      });
    });
  }

  /** Ends agent sessions, stops accepting, and waits until no connection is left. */
  async close(graceMs = 2000): Promise<void> {
    this.hub.closeAll("gateway shutting down");
    const closed = new Promise<void>((resolve) => this.http2.close(() => resolve()));
    for (const session of this.sessions) session.close();
    const timer = setTimeout(() => {
      for (const session of this.sessions) session.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
    for (const plugin of this.plugins) await plugin.close?.();
    this.sink.close();
    await this.options.store.close();
  }
}
