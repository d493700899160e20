import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ImportService } from "@ferry/api";

export type ImportClient = Client<typeof ImportService>;

/**
 * A client of the gateway's ImportService over gRPC, which connect-node always speaks on
 * HTTP/2 (h2c for http:// URLs), so the transport takes no httpVersion.
 */
export function createImportClient(baseUrl: string): ImportClient {
  return importClientOver(createGrpcTransport({ baseUrl }));
}

export function importClientOver(transport: Transport): ImportClient {
  return createClient(ImportService, transport);
}
