import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type DiscoveredPrometheus,
  DiscoveredPrometheusSchema,
  type DiscoveredTarget,
  type DiscoverPrometheus,
} from "@ferry/api";
import type { PrometheusDiscovery } from "../discovery";
import { type ServiceLookup, toDiscoveredTarget } from "./discovered-target";
import type { KubeApi } from "./kube-api";
import { KubeApiError } from "./kube-api-error";
import { discoveryError, scope } from "./kube-error";
import type { PrometheusObject } from "./prometheus-object";
import { assumedGoverningRoute, findServiceRoute } from "./service-match";

/** Bounds one discovery on the agent; the gateway's per-cluster timeout is usually shorter. */
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 30_000;

export interface KubeDiscoveryOptions {
  api: KubeApi;
  /** Only this namespace may be searched (an agent whose RBAC covers one namespace). */
  namespace?: string;
  timeoutMs?: number;
}

/**
 * Finds the prometheus-operator's Prometheus objects and, for each, the Service that leads to it.
 *
 * Without a namespace, Prometheus objects are listed cluster-wide in one (paginated) list: a 403
 * there fails the whole answer. Services are then listed per namespace that holds a Prometheus;
 * a 403 for one of them does not fail the answer: its entries get the operator's
 * prometheus-operated name and a note saying the Services could not be read.
 */
export class KubeDiscovery implements PrometheusDiscovery {
  private readonly timeoutMs: number;

  constructor(private readonly options: KubeDiscoveryOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS;
  }

  async discover(request: DiscoverPrometheus, signal: AbortSignal): Promise<DiscoveredPrometheus> {
    const namespace = this.namespaceFor(request.namespace);
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const combined = AbortSignal.any([signal, deadline]);
    try {
      const prometheuses = await this.options.api.listPrometheuses(namespace, combined);
      const groups = groupByNamespace(prometheuses);
      const targets = await Promise.all(
        [...groups].map(([ns, members]) => this.describeNamespace(ns, members, combined)),
      );
      return create(DiscoveredPrometheusSchema, { targets: targets.flat().sort(byNamespaceAndName) });
    } catch (error) {
      throw discoveryError(error, deadline.aborted && !signal.aborted ? this.timeoutMs : undefined);
    }
  }

  private namespaceFor(requested: string): string | undefined {
    const allowed = this.options.namespace;
    if (!allowed) return requested || undefined;
    if (requested && requested !== allowed) {
      throw new ConnectError(
        `namespace: this agent discovers only in namespace "${allowed}" (--discovery-namespace)`,
        Code.PermissionDenied,
      );
    }
    return allowed;
  }

  private async describeNamespace(
    namespace: string,
    members: PrometheusObject[],
    signal: AbortSignal,
  ): Promise<DiscoveredTarget[]> {
    const lookups = await this.lookupServices(namespace, members, signal);
    return members.map((p, i) => toDiscoveredTarget(p, lookups[i] ?? { kind: "found", route: undefined }));
  }

  private async lookupServices(
    namespace: string,
    members: PrometheusObject[],
    signal: AbortSignal,
  ): Promise<ServiceLookup[]> {
    try {
      const services = await this.options.api.listServices(namespace, signal);
      return members.map((p) => ({ kind: "found", route: findServiceRoute(p, services, members) }));
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.status !== 403) throw error;
      const reason = `forbidden to list services ${scope(error.request)}`;
      const shared = members.length > 1;
      return members.map((p) => ({ kind: "assumed", route: assumedGoverningRoute(p, shared), reason }));
    }
  }
}

function groupByNamespace(prometheuses: readonly PrometheusObject[]): Map<string, PrometheusObject[]> {
  const groups = new Map<string, PrometheusObject[]>();
  for (const p of prometheuses) {
    const group = groups.get(p.namespace);
    if (group) group.push(p);
    else groups.set(p.namespace, [p]);
  }
  return groups;
}

function byNamespaceAndName(a: DiscoveredTarget, b: DiscoveredTarget): number {
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}
