import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type RunImport, RunImportSchema } from "@ferry/api";
import type { WriteSeries } from "@ferry/prompb";
import { samplesReadResponse } from "./samples-read-response";

export interface SamplesSource {
  url: string;
  /** The range of each query read, in order. */
  reads: [number, number][];
  server: Server;
  close(): Promise<void>;
}

/**
 * For specs: a remote-read source answering SAMPLES with what `series` holds in each queried
 * range, over keep-alive connections as Prometheus does.
 */
export async function startSamplesSource(series: readonly WriteSeries[]): Promise<SamplesSource> {
  const reads: [number, number][] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy" });
      res.end(samplesReadResponse(series, Buffer.concat(chunks), reads));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/read`,
    reads,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Connections the server holds open now. */
export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, n) => (error ? reject(error) : resolve(n))),
  );
}

/** The gateway's command to import [startMs, endMs] of `source` (import "i1" of target "t"). */
export function importCommand(source: SamplesSource, startMs: number, endMs: number): RunImport {
  return create(RunImportSchema, {
    importId: "i1",
    target: "t",
    endpoint: source.url,
    start: timestampFromMs(startMs),
    end: timestampFromMs(endMs),
  });
}
