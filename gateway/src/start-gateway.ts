import { join } from "node:path";
import { compileGatewayOptions } from "./compile-options";
import { ClusterRegistry } from "./core/cluster-registry";
import { FileStore } from "./core/file-store";
import { GatewayServer } from "./core/gateway-server";
import type { GatewayOptions, RunningGateway } from "./gateway-options";
import { importPlugin } from "./plugins/import";

/** The composition root: the core plus the plugins this build ships. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const config = compileGatewayOptions(options);
  const store = await FileStore.open(join(config.dataDir, "store"));
  const server = await GatewayServer.create({
    store,
    clusters: await ClusterRegistry.load(store),
    remoteWriteUrl: config.remoteWriteUrl,
    tenantHeader: config.tenantHeader,
    queryUrl: config.queryUrl,
    logger: config.logger,
    plugins: [importPlugin],
    heartbeatIntervalMs: 10_000,
    sinkTimeoutMs: 60_000,
    readMaxBytes: 64 * 1024 * 1024,
  });
  const address = await server.listen(config.host, config.port);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  config.logger.info(
    { url, sink: config.remoteWriteUrl },
    "gateway listening (h2c, plain text: local use only)",
  );
  return { url, port: address.port, close: () => server.close() };
}
