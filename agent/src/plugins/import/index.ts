import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { ImportCommandResultSchema, ImportCommandSchema, ImportProgressSchema } from "@ferry/api";
import type { AgentPluginFactory } from "../../core/plugin";
import { noDiscovery, type PrometheusDiscovery } from "./discovery";
import { ImportMetrics } from "./import-metrics";
import { previewImport } from "./import-preview";
import { DEFAULT_IMPORT_RUN, type ImportRunOptions } from "./import-run";
import { ImportRuns } from "./import-runs";
import { SampleCounter } from "./sample-counter";

const OWNED_TYPES = new Set<string>([ImportCommandSchema.typeName, ImportProgressSchema.typeName]);

export interface ImportPluginOptions {
  discovery?: PrometheusDiscovery;
  run?: ImportRunOptions;
}

/** The agent side of the import plugin: runs imports and answers discovery. */
export function importPlugin(options: ImportPluginOptions = {}): AgentPluginFactory {
  return (core) => {
    const log = core.logger.child({ plugin: "import" });
    const runs = new ImportRuns(
      core.push,
      (body) => core.sendEvent(body),
      log,
      options.run ?? DEFAULT_IMPORT_RUN,
      new ImportMetrics(core.metrics.registry),
    );
    const discovery = options.discovery ?? noDiscovery;
    const counter = new SampleCounter(options.run ?? DEFAULT_IMPORT_RUN);
    return {
      name: "import",
      handles: (typeName) => OWNED_TYPES.has(typeName),
      async handleCommand(body, signal) {
        const command = anyUnpack(body, ImportCommandSchema);
        if (!command) throw new ConnectError(`not an import command: ${body.typeUrl}`, Code.InvalidArgument);
        const c = command.command;
        switch (c.case) {
          case "run":
            runs.start(c.value);
            return pack({ result: { case: "run", value: { importId: c.value.importId } } });
          case "cancel": {
            const wasRunning = await runs.cancel(c.value.importId);
            return pack({ result: { case: "cancel", value: { importId: c.value.importId, wasRunning } } });
          }
          case "discover":
            return pack({ result: { case: "discover", value: await discovery.discover(c.value, signal) } });
          case "preview":
            return pack({
              result: { case: "preview", value: await previewImport(c.value, signal, options.run) },
            });
          case "count":
            return pack({ result: { case: "counts", value: await counter.count(c.value, signal) } });
          default:
            throw new ConnectError("empty import command", Code.InvalidArgument);
        }
      },
      reports: () => runs.reports(),
      close: () => runs.close(),
    };
  };
}

function pack(init: Parameters<typeof create<typeof ImportCommandResultSchema>>[1]) {
  return anyPack(ImportCommandResultSchema, create(ImportCommandResultSchema, init));
}
