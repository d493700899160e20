import { join, resolve } from "node:path";
import { Etcd3 } from "etcd3";
import { type CompiledGatewayOptions, compileGatewayOptions } from "./compile-options";
import { AdminToken } from "./core/admin-token";
import { ClusterRegistry } from "./core/cluster-registry";
import { MAX_REQUEST_BYTES } from "./core/connection-limits";
import { EtcdStore } from "./core/etcd-store";
import { FileStore } from "./core/file-store";
import { MetricsServer } from "./core/gateway-metrics";
import { GatewayServer } from "./core/gateway-server";
import { Leadership } from "./core/leadership";
import type { Store } from "./core/store";
import { loadTlsMaterial } from "./core/tls-material";
import type { GatewayOptions, RunningGateway } from "./gateway-options";
import { importPlugin } from "./plugins/import";

/**
 * The composition root: the core plus the plugins this build ships. With the etcd store it
 * first waits to be elected leader; a standby gateway does not listen, so agents given
 * several gateway URLs find the one that serves.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const config = compileGatewayOptions(options);
  const tls = config.tls ? await loadTlsMaterial(config.tls, config.logger) : undefined;
  const backend = await openStore(config);
  const admin = await AdminToken.setUp(backend.store, {
    file: options.adminTokenFile ? resolve(options.adminTokenFile) : undefined,
    logger: config.logger,
  }).catch(async (error: unknown) => {
    await backend.close();
    throw error;
  });
  const server = await GatewayServer.create({
    store: backend.store,
    clusters: await ClusterRegistry.load(backend.store),
    remoteWriteUrl: config.remoteWriteUrl,
    tenantHeader: config.tenantHeader,
    queryUrl: config.queryUrl,
    logger: config.logger,
    plugins: [importPlugin],
    heartbeatIntervalMs: 10_000,
    sinkTimeoutMs: 60_000,
    readMaxBytes: MAX_REQUEST_BYTES,
    maxPushBytes: config.maxPushBytes,
    maxPushBytesPerSecond: config.maxPushBytesPerSecond,
    adminToken: admin.admin,
    tls: tls && { cert: tls.cert, key: tls.key },
  });
  const address = await server.listen(config.host, config.port);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${tls ? "https" : "http"}://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  if (tls) {
    config.logger.info(
      { url, sink: config.remoteWriteUrl, fingerprint: tls.fingerprint },
      "gateway listening (TLS)",
    );
  } else {
    config.logger.info(
      { url, sink: config.remoteWriteUrl },
      "gateway listening (h2c, plain text: local use only)",
    );
  }
  const metricsServer = config.metricsListen ? new MetricsServer(server.metrics.registry) : undefined;
  const metricsUrl =
    metricsServer && config.metricsListen
      ? await metricsServer.listen(config.metricsListen.host, config.metricsListen.port)
      : undefined;
  if (metricsUrl) config.logger.info({ metrics: metricsUrl }, "serving metrics");

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await metricsServer?.close();
    await server.close();
    await backend.close();
  };
  const failed = new Promise<never>((_, reject) => {
    backend.onLost((error) => {
      config.logger.error({ err: error }, "lost the etcd leadership; stopping");
      close().then(
        () => reject(error),
        () => reject(error),
      );
    });
  });
  failed.catch(() => undefined);
  return {
    url,
    fingerprint: tls?.fingerprint,
    port: address.port,
    metricsUrl,
    adminToken: admin.token,
    adminTokenCreated: admin.created,
    close,
    failed,
  };
}

interface StoreBackend {
  store: Store;
  onLost(handler: (error: Error) => void): void;
  close(): Promise<void>;
}

async function openStore(config: CompiledGatewayOptions): Promise<StoreBackend> {
  if (config.store === "file") {
    return {
      store: await FileStore.open(join(config.dataDir, "store")),
      onLost: () => {},
      close: async () => {},
    };
  }
  const client = new Etcd3({ hosts: config.etcdEndpoints });
  const leadership = await Leadership.acquire(
    client,
    `${config.etcdPrefix}leader`,
    config.leaderLeaseSeconds,
    config.logger,
  );
  return {
    store: new EtcdStore(client, config.etcdPrefix),
    onLost: (handler) => leadership.onLost(handler),
    async close() {
      await leadership.resign();
      client.close();
    },
  };
}
