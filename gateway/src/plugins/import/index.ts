import { anyUnpack } from "@bufbuild/protobuf/wkt";
import {
  ImportCommandResultSchema,
  ImportCommandSchema,
  ImportProgressSchema,
  ImportService,
} from "@ferry/api";
import type { GatewayPluginFactory } from "../../core/plugin";
import { ImportController } from "./import-controller";
import { ImportEvents } from "./import-events";
import { registerImportMetrics } from "./import-metrics";
import { createImportService } from "./import-service";
import { ImportStore } from "./import-store";
import { QueryClient } from "./query-client";
import { TargetStore } from "./target-store";

const OWNED_TYPES = new Set<string>([
  ImportProgressSchema.typeName,
  ImportCommandSchema.typeName,
  ImportCommandResultSchema.typeName,
]);

/** The import plugin: targets, imports, their management API and their execution by agents. */
export const importPlugin: GatewayPluginFactory = async (core) => {
  const log = core.logger.child({ plugin: "import" });
  const targets = new TargetStore(core.store);
  const imports = await ImportStore.load(core.store);
  registerImportMetrics(core.metrics.registry, imports);
  const events = new ImportEvents();
  const controller = new ImportController(core.hub, imports, events, log);
  const service = createImportService({
    core,
    targets,
    imports,
    controller,
    events,
    query: core.queryUrl ? new QueryClient(core.queryUrl, core.tenantHeader) : undefined,
  });
  const sourceOf = async (clusterId: string, name: string) =>
    (await targets.get(clusterId, name)) ?? { endpoint: "" };

  return {
    name: "import",
    handles: (typeName) => OWNED_TYPES.has(typeName),
    registerRoutes(router) {
      router.service(ImportService, service);
    },
    async agentConnected(session, reports) {
      await controller.reconcile(session, reports, (r) => sourceOf(r.clusterId, r.target));
    },
    async agentEvent(session, body) {
      const progress = anyUnpack(body, ImportProgressSchema);
      if (progress) await controller.applyProgress(session, progress);
    },
    async close() {
      await imports.flush();
    },
  };
};
