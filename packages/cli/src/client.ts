import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { ImportService } from "@ferry/api";

export type ImportClient = Client<typeof ImportService>;

/**
 * A client of the gateway's ImportService over gRPC, which connect-node always speaks on
 * HTTP/2 (h2c for http:// URLs), so the transport takes no httpVersion.
 */
export function createImportClient(baseUrl: string): ImportClient {
  const sessionManager = new Http2SessionManager(baseUrl);
  openSessions.add(sessionManager);
  return importClientOver(createGrpcTransport({ baseUrl, sessionManager }));
}

const openSessions = new Set<Http2SessionManager>();

/**
 * Closes the HTTP/2 connections of every client made here. The CLI calls it when a command
 * is done: an idle connection would otherwise keep the process alive (for minutes, after
 * `import start --follow` or `import watch`).
 */
export function closeImportClients(): void {
  for (const sessionManager of openSessions) sessionManager.abort();
  openSessions.clear();
}

export function importClientOver(transport: Transport): ImportClient {
  return createClient(ImportService, transport);
}
