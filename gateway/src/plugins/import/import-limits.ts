import { Code, ConnectError } from "@connectrpc/connect";

/** Most targets one cluster may have: a Prometheus per namespace of a large cluster fits. */
export const MAX_TARGETS_PER_CLUSTER = 1000;
/**
 * Most imports one cluster's agent may run at once. Each holds a remote read open against a
 * Prometheus (which serves 10 concurrent reads by default) and bytes in flight on the agent.
 */
export const MAX_ACTIVE_IMPORTS_PER_CLUSTER = 16;

/** Refuses a new target when the cluster already has `existing` of them. */
export function requireRoomForTarget(clusterId: string, existing: number): void {
  if (existing >= MAX_TARGETS_PER_CLUSTER) {
    throw new ConnectError(
      `cluster_id: cluster "${clusterId}" already has ${existing} targets, the most allowed (${MAX_TARGETS_PER_CLUSTER}); remove one first`,
      Code.ResourceExhausted,
    );
  }
}

/** Refuses to start an import when the cluster already runs `active` others. */
export function requireRoomForImport(clusterId: string, active: number): void {
  if (active >= MAX_ACTIVE_IMPORTS_PER_CLUSTER) {
    throw new ConnectError(
      `cluster_id: cluster "${clusterId}" already runs ${active} imports, the most allowed at once (${MAX_ACTIVE_IMPORTS_PER_CLUSTER}); wait for one to finish or stop one`,
      Code.ResourceExhausted,
    );
  }
}
