import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { AdminService, AgentLink } from "@ferry/api";
import type { Logger } from "pino";
import { createAdminService } from "./admin-service";
import type { AdminToken } from "./admin-token";
import { AgentCredentials } from "./agent-credentials";
import { AgentHub } from "./agent-hub";
import { createAgentLinkService } from "./agent-link-service";
import { createAuthInterceptor } from "./auth-interceptor";
import { BootstrapTokens } from "./bootstrap-tokens";
import type { ClusterRegistry } from "./cluster-registry";
import { closeWhenIdle } from "./connection-limits";
import { forwardPush } from "./forward-push";
import { GatewayMetrics } from "./gateway-metrics";
import { createGrpcPushRoute } from "./grpc-push-route";
import type { GatewayCore, GatewayPlugin, GatewayPluginFactory } from "./plugin";
import { PUSH_ENVELOPE_BYTES, PushLimiter } from "./push-limiter";
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
  /** Largest request message accepted by every service but AgentLink. */
  readMaxBytes: number;
  /** Largest Push payload forwarded; larger ones are answered TOO_LARGE. */
  maxPushBytes: number;
  /** Push bytes per second per cluster; 0 for no limit. */
  maxPushBytesPerSecond: number;
  /** Guards every service but AgentLink, whose calls carry agent credentials. */
  adminToken: AdminToken;
  /** PEM certificate and key: TLS with ALPN h2, and HTTP/1.1 for gRPC-Web and Connect. Plain h2c without. */
  tls?: { cert: string; key: string };
}

/**
 * HTTP/2 flow-control windows the gateway grants its peers: 1 MiB a stream, 4 MiB a connection
 * (Node's default is 64 KiB for both). An agent's push (about 0.5 MiB) then arrives in one go
 * instead of waiting for a window update every 64 KiB; on the 5.76 M-sample bench the import
 * went from ~2.1 to ~2.5 M samples/s. What a peer may have in flight stays bounded by these.
 */
const PUSH_WINDOW = { initialWindowSize: 1024 * 1024 };
const CONNECTION_WINDOW = 4 * 1024 * 1024;

/**
 * The gateway's HTTP/2 server (TLS, or h2c for local use), serving Connect, gRPC and gRPC-Web on one port,
 * built without listening so tests can start it on port 0 and close it.
 */
export class GatewayServer {
  private readonly http2: Http2Server | Http2SecureServer;
  private readonly sessions = new Set<Http2Session>();
  /** TLS connections speaking HTTP/1.1, which no Http2Session closes. */
  private readonly http1Sockets = new Set<Socket>();

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
    const access = {
      credentials: await AgentCredentials.load(options.store),
      tokens: await BootstrapTokens.load(options.store),
    };
    return new GatewayServer(options, hub, metrics, core.sink, plugins, access);
  }

  private constructor(
    private readonly options: GatewayServerOptions,
    readonly hub: AgentHub,
    readonly metrics: GatewayMetrics,
    private readonly sink: SinkClient,
    private readonly plugins: readonly GatewayPlugin[],
    access: { credentials: AgentCredentials; tokens: BootstrapTokens },
  ) {
    const linkDeps = {
      hub,
      metrics,
      clusters: options.clusters,
      sink,
      ...access,
      plugins,
      logger: options.logger,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      helloTimeoutMs: 10_000,
      maxPushBytes: options.maxPushBytes,
      pushLimiter: new PushLimiter({ bytesPerSecond: options.maxPushBytesPerSecond }),
    };
    const agentLink = createAgentLinkService(linkDeps);
    const grpcPush = createGrpcPushRoute({
      credentials: access.credentials,
      maxMessageBytes: options.maxPushBytes + PUSH_ENVELOPE_BYTES,
      forward: (agent, sessionId, request, signal) =>
        forwardPush(linkDeps, agent, sessionId, request, signal),
    });
    const routes = (router: ConnectRouter) => {
      router.service(AgentLink, agentLink, { readMaxBytes: options.maxPushBytes + PUSH_ENVELOPE_BYTES });
      router.service(
        AdminService,
        createAdminService({ ...access, clusters: options.clusters, hub, logger: options.logger }),
      );
      for (const plugin of this.plugins) plugin.registerRoutes(router);
    };
    const interceptors = [createAuthInterceptor({ admin: options.adminToken, ...access })];
    const connectHandler = connectNodeAdapter({ routes, readMaxBytes: options.readMaxBytes, interceptors });
    const handler = (
      req: Http2ServerRequest | IncomingMessage,
      res: Http2ServerResponse | ServerResponse,
    ) => {
      if (req instanceof Http2ServerRequest && grpcPush.serve(req, res as Http2ServerResponse)) return;
      connectHandler(req, res);
    };
    this.http2 = options.tls
      ? createSecureServer({ ...options.tls, allowHTTP1: true, settings: PUSH_WINDOW }, handler)
      : createServer({ settings: PUSH_WINDOW }, handler);
    this.http2.on("secureConnection", (socket: Socket & { alpnProtocol?: string | false }) => {
      if (socket.alpnProtocol === "h2") return;
      this.http1Sockets.add(socket);
      socket.once("close", () => this.http1Sockets.delete(socket));
    });
    this.http2.on("session", (session) => {
      session.setLocalWindowSize(CONNECTION_WINDOW);
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
      closeWhenIdle(session);
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
      for (const socket of this.http1Sockets) socket.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
    for (const plugin of this.plugins) await plugin.close?.();
    this.sink.close();
    await this.options.store.close();
  }
}
