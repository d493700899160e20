import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  ClusterSchema,
  type DiscoverRequest,
  DiscoverResponseSchema,
  type Import,
  type ImportService,
  type Target,
  TargetSchema,
} from "@ferry/api";
import { AsyncQueue } from "@ferry/async-queue";
import type { GatewayCore } from "../../core/plugin";
import { callAgent } from "./agent-commands";
import { type ImportController, isActive } from "./import-controller";
import type { ImportEvents } from "./import-events";
import { requireRoomForImport, requireRoomForTarget } from "./import-limits";
import { previewImport } from "./import-preview";
import type { ImportStore } from "./import-store";
import type { QueryClient } from "./query-client";
import { lookUpSeries } from "./series-lookup";
import { redactTarget } from "./source-auth-redaction";
import { requireSourceAuth } from "./source-auth-validation";
import type { TargetStore } from "./target-store";
import {
  MAX_DISCOVER_TIMEOUT_MS,
  requireClusterId,
  requireEndpoint,
  requireImportOptions,
  requireNamespace,
  requireQueryText,
  requireRange,
  requireSelectors,
  requireTargetName,
  requireTimeoutMs,
  requireTimestamp,
} from "./validation";
import { verifyImport } from "./verify-import";

const DISCOVER_TIMEOUT_MS = 10_000;

export interface ImportServiceDeps {
  core: GatewayCore;
  targets: TargetStore;
  imports: ImportStore;
  controller: ImportController;
  events: ImportEvents;
  query: QueryClient | undefined;
}

export function createImportService(deps: ImportServiceDeps): ServiceImpl<typeof ImportService> {
  const { core, targets, imports, controller, events } = deps;

  const requireKnownCluster = (field: string, clusterId: string) => {
    requireClusterId(field, clusterId);
    if (!core.clusters.has(clusterId)) {
      throw new ConnectError(
        `${field}: unknown cluster "${clusterId}" (no agent has connected with this id)`,
        Code.NotFound,
      );
    }
    return clusterId;
  };

  const requireTarget = async (clusterId: string, name: string, field = "name"): Promise<Target> => {
    requireKnownCluster("cluster_id", clusterId);
    requireTargetName(field, name);
    const target = await targets.get(clusterId, name);
    if (!target)
      throw new ConnectError(`${field}: no target "${name}" in cluster "${clusterId}"`, Code.NotFound);
    return target;
  };

  const requireImport = (clusterId: string, target: string): Import => {
    const record = imports.get(clusterId, target);
    if (!record) {
      throw new ConnectError(`target: no import of "${target}" in cluster "${clusterId}"`, Code.NotFound);
    }
    return record;
  };

  return {
    async addTarget(req) {
      requireKnownCluster("cluster_id", req.clusterId);
      requireTargetName("name", req.name);
      const endpoint = requireEndpoint("endpoint", req.endpoint);
      const auth = requireSourceAuth(req.auth);
      requireRoomForTarget(req.clusterId, (await targets.list(req.clusterId)).length);
      if (await targets.get(req.clusterId, req.name)) {
        throw new ConnectError(
          `name: target "${req.name}" already exists in cluster "${req.clusterId}"`,
          Code.AlreadyExists,
        );
      }
      const now = timestampFromMs(Date.now());
      const target = create(TargetSchema, {
        clusterId: req.clusterId,
        name: req.name,
        endpoint,
        createdAt: now,
        updatedAt: now,
        auth,
      });
      await targets.put(target);
      return { target: redactTarget(target) };
    },

    async editTarget(req) {
      const target = await requireTarget(req.clusterId, req.name);
      const updated = { ...target, updatedAt: timestampFromMs(Date.now()) };
      if (req.endpoint !== undefined) updated.endpoint = requireEndpoint("endpoint", req.endpoint);
      if (req.auth !== undefined) updated.auth = requireSourceAuth(req.auth, target.auth);
      const renamed = req.newName !== undefined && req.newName !== req.name;
      if (renamed) {
        updated.name = requireTargetName("new_name", req.newName ?? "");
        if (await targets.get(req.clusterId, updated.name)) {
          throw new ConnectError(`new_name: target "${updated.name}" already exists`, Code.AlreadyExists);
        }
      }
      const record = imports.get(req.clusterId, req.name);
      if (record && isActive(record.state)) {
        throw new ConnectError(
          `name: target "${req.name}" has a running import; stop it first`,
          Code.FailedPrecondition,
        );
      }
      await targets.put(updated);
      if (renamed) {
        await targets.delete(req.clusterId, req.name);
        if (record) {
          await imports.delete(req.clusterId, req.name);
          await imports.save({ ...record, target: updated.name });
        }
      }
      return { target: redactTarget(updated) };
    },

    async removeTarget(req) {
      await requireTarget(req.clusterId, req.name);
      const record = imports.get(req.clusterId, req.name);
      if (record && isActive(record.state)) {
        throw new ConnectError(
          `name: target "${req.name}" has a running import; stop it first`,
          Code.FailedPrecondition,
        );
      }
      await targets.delete(req.clusterId, req.name);
      await imports.delete(req.clusterId, req.name);
      return {};
    },

    async listTargets(req) {
      if (req.clusterId) requireClusterId("cluster_id", req.clusterId);
      return { targets: (await targets.list(req.clusterId || undefined)).map(redactTarget) };
    },

    async getTarget(req) {
      return { target: redactTarget(await requireTarget(req.clusterId, req.name)) };
    },

    async discover(req, ctx) {
      return discover(core, req, ctx.signal);
    },

    async startImport(req, ctx) {
      const target = await requireTarget(req.clusterId, req.target, "target");
      const [startMs, endMs] = requireRange(req.start, req.end);
      const selectors = requireSelectors("selectors", req.selectors);
      const options = requireImportOptions(req);
      const others = imports.list(req.clusterId).filter((r) => r.target !== target.name && isActive(r.state));
      requireRoomForImport(req.clusterId, others.length);
      if (req.dryRun) {
        const previous = imports.get(target.clusterId, target.name);
        const spec = { startMs, endMs, selectors, options };
        return { preview: await previewImport(core, target, spec, previous, req.force, ctx.signal) };
      }
      return { import: await controller.start(target, { startMs, endMs, selectors, options }, req.force) };
    },

    async stopImport(req) {
      await requireTarget(req.clusterId, req.target, "target");
      return { import: await controller.stop(requireImport(req.clusterId, req.target)) };
    },

    async getImport(req) {
      await requireTarget(req.clusterId, req.target, "target");
      return { import: requireImport(req.clusterId, req.target) };
    },

    async listImports(req) {
      if (req.clusterId) requireClusterId("cluster_id", req.clusterId);
      return { imports: imports.list(req.clusterId || undefined, req.target || undefined) };
    },

    async *watchImports(req, ctx) {
      const matches = (r: Import) =>
        (!req.clusterId || r.clusterId === req.clusterId) && (!req.target || r.target === req.target);
      const queue = new AsyncQueue<Import>();
      const onChange = (r: Import) => {
        if (matches(r)) queue.push(r);
      };
      const onAbort = () => queue.close();
      events.on("changed", onChange);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      try {
        for (const r of imports.list(req.clusterId || undefined, req.target || undefined)) {
          yield { import: r };
        }
        for await (const r of queue) yield { import: r };
      } finally {
        events.off("changed", onChange);
        ctx.signal.removeEventListener("abort", onAbort);
      }
    },

    async listClusters() {
      const counts = new Map<string, number>();
      for (const t of await targets.list()) counts.set(t.clusterId, (counts.get(t.clusterId) ?? 0) + 1);
      const clusters = core.clusters.list().map((record) => {
        const session = core.hub.session(record.id);
        return create(ClusterSchema, {
          id: record.id,
          connected: session !== undefined,
          connectedSince: session ? timestampFromMs(session.connectedAt.getTime()) : undefined,
          agentVersion: session?.agentVersion ?? record.agentVersion,
          targets: counts.get(record.id) ?? 0,
        });
      });
      return { clusters };
    },

    async query(req, ctx) {
      requireKnownCluster("cluster_id", req.clusterId);
      requireQueryText("query", req.query);
      if (!deps.query) {
        throw new ConnectError("the gateway was started without --query-url", Code.FailedPrecondition);
      }
      if (req.stepMs > 0n || req.start || req.end) {
        const [startMs, endMs] = requireRange(req.start, req.end);
        if (req.stepMs <= 0n)
          throw new ConnectError("step_ms: must be positive for a range query", Code.InvalidArgument);
        return deps.query.query(
          req.clusterId,
          { query: req.query, range: { startMs, endMs, stepMs: Number(req.stepMs) } },
          ctx.signal,
        );
      }
      const timeMs = req.time ? requireTimestamp("time", req.time) : undefined;
      return deps.query.query(req.clusterId, { query: req.query, timeMs }, ctx.signal);
    },

    async series(req, ctx) {
      requireKnownCluster("cluster_id", req.clusterId);
      return lookUpSeries(deps.query, req, ctx.signal);
    },

    async verifyImport(req, ctx) {
      const target = await requireTarget(req.clusterId, req.target, "target");
      const record = requireImport(req.clusterId, req.target);
      return verifyImport({ hub: core.hub, query: deps.query }, target, record, req, ctx.signal);
    },
  };
}

async function discover(core: GatewayCore, req: DiscoverRequest, signal: AbortSignal) {
  req.clusterIds.forEach((id, i) => {
    requireClusterId(`cluster_ids[${i}]`, id);
  });
  requireNamespace("namespace", req.namespace);
  const timeoutMs =
    requireTimeoutMs("timeout_ms", req.timeoutMs, MAX_DISCOVER_TIMEOUT_MS) ?? DISCOVER_TIMEOUT_MS;
  const clusterIds = req.clusterIds.length > 0 ? req.clusterIds : core.hub.sessions().map((s) => s.clusterId);
  const response = create(DiscoverResponseSchema);
  await Promise.all(
    clusterIds.map(async (clusterId) => {
      if (!core.clusters.has(clusterId)) {
        response.errors.push({
          $typeName: "ferry.v1.ClusterError",
          clusterId,
          code: "not_found",
          message: "unknown cluster",
        });
        return;
      }
      try {
        const result = await callAgent(
          core.hub,
          clusterId,
          { command: { case: "discover", value: { namespace: req.namespace } } },
          timeoutMs,
          signal,
        );
        if (result.result.case !== "discover") throw new ConnectError("unexpected reply", Code.Internal);
        for (const target of result.result.value.targets) {
          response.entries.push({ $typeName: "ferry.v1.DiscoveredEntry", clusterId, target });
        }
      } catch (error) {
        const e = ConnectError.from(error);
        response.errors.push({
          $typeName: "ferry.v1.ClusterError",
          clusterId,
          code: Code[e.code].replace(/[A-Z]/g, (c, i: number) => (i ? "_" : "") + c.toLowerCase()),
          message: e.rawMessage,
        });
      }
    }),
  );
  response.entries.sort((a, b) => a.clusterId.localeCompare(b.clusterId));
  response.errors.sort((a, b) => a.clusterId.localeCompare(b.clusterId));
  return response;
}
