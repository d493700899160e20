// Repeated imports driven over the management API from this process, as a program (a migration
// script, a controller) would drive them: StartImport, then WatchImports until a final state. Unlike
// the CLI, no process starts per import, so the CPU the agent and gateway spend over the call is
// the import's own (plus serving those two calls), not idle time while a CLI boots.
const { toJson } = require("@bufbuild/protobuf");
const { timestampFromMs } = require("@bufbuild/protobuf/wkt");
const { createClient } = require("@connectrpc/connect");
const { createGrpcTransport, Http2SessionManager } = require("@connectrpc/connect-node");
const { ImportSchema, ImportService, ImportState } = require("@ferry/api");

const FINAL = new Set([ImportState.COMPLETED, ImportState.FAILED, ImportState.CANCELED]);

/** A client of `gatewayUrl`'s ImportService with its admin token; `close` ends its connection. */
function importApi(gatewayUrl, adminToken) {
  const sessionManager = new Http2SessionManager(gatewayUrl);
  const client = createClient(ImportService, createGrpcTransport({ baseUrl: gatewayUrl, sessionManager }));
  const headers = { authorization: `Bearer ${adminToken}` };

  /** Starts an import of [startMs, endMs] and resolves with its final record, in the JSON form the CLI prints. */
  async function runImport({ clusterId, target, startMs, endMs, force }) {
    const abort = new AbortController();
    try {
      // Watch first, so the final state cannot pass before the watch begins.
      const stream = client.watchImports({ clusterId, target }, { headers, signal: abort.signal });
      const watching = stream[Symbol.asyncIterator]();
      const started = await client.startImport(
        { clusterId, target, start: timestampFromMs(startMs), end: timestampFromMs(endMs), force },
        { headers },
      );
      const id = started.import?.id;
      for (;;) {
        const next = await watching.next();
        if (next.done) throw new Error(`the gateway ended the watch before import ${id} finished`);
        const imp = next.value.import;
        if (imp?.id === id && FINAL.has(imp.state)) return toJson(ImportSchema, imp);
      }
    } finally {
      abort.abort();
    }
  }

  return { runImport, close: () => sessionManager.abort() };
}

module.exports = { importApi };
