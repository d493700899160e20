import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AdminService, ImportService } from "@ferry/api";
import { type GatewayTrust, gatewayDialOptions } from "@ferry/gateway-trust";

export type ImportClient = Client<typeof ImportService>;
export type AdminClient = Client<typeof AdminService>;

/**
 * A client of the gateway's ImportService over gRPC, which connect-node always speaks on
 * HTTP/2 (h2c for http:// URLs), so the transport takes no httpVersion. `trust` checks an
 * https:// gateway's certificate (a CA file or a pinned fingerprint; the system CAs without).
 */
export function createImportClient(baseUrl: string, trust?: GatewayTrust): ImportClient {
  const sessionManager = new Http2SessionManager(baseUrl, undefined, gatewayDialOptions(trust));
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

/** A client of the gateway's AdminService (bootstrap tokens, clusters), made like createImportClient. */
export function createAdminClient(baseUrl: string, trust?: GatewayTrust): AdminClient {
  const sessionManager = new Http2SessionManager(baseUrl, undefined, gatewayDialOptions(trust));
  openSessions.add(sessionManager);
  return adminClientOver(createGrpcTransport({ baseUrl, sessionManager }));
}

export function adminClientOver(transport: Transport): AdminClient {
  return createClient(AdminService, transport);
}
