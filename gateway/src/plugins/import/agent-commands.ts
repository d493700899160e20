import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Any, anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ImportCommandResult, ImportCommandResultSchema, ImportCommandSchema } from "@ferry/api";
import type { AgentHub } from "../../core/agent-hub";

export type ImportCommandInit = MessageInitShape<typeof ImportCommandSchema>;

export function packCommand(init: ImportCommandInit): Any {
  return anyPack(ImportCommandSchema, create(ImportCommandSchema, init));
}

export function unpackResult(body: Any): ImportCommandResult {
  const result = anyUnpack(body, ImportCommandResultSchema);
  if (!result) throw new ConnectError(`unexpected reply type ${body.typeUrl}`, Code.Internal);
  return result;
}

/** Sends one import command to a cluster's agent and returns its typed result. */
export async function callAgent(
  hub: AgentHub,
  clusterId: string,
  command: ImportCommandInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ImportCommandResult> {
  return unpackResult(await hub.call(clusterId, packCommand(command), timeoutMs, signal));
}
