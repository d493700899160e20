import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Import, ImportPreview, Target } from "@ferry/api";
import type { GatewayCore } from "../../core/plugin";
import { callAgent } from "./agent-commands";
import { type ImportSpec, requireStartable } from "./import-controller";
import { checkSinkAge } from "./sink-age-check";

/** The agent gives up its probes after 90 s; this leaves room for the answer to travel. */
const PREVIEW_TIMEOUT_MS = 100_000;

/**
 * `ferry import start --dry-run`: refuses what a real start would refuse, then has the cluster's
 * agent probe the source and plan, and adds what the sink will think of samples that old. No
 * import record is created or changed, and nothing is written to the sink.
 */
export async function previewImport(
  core: Pick<GatewayCore, "hub" | "queryUrl" | "tenantHeader">,
  target: Target,
  spec: ImportSpec,
  previous: Import | undefined,
  force: boolean,
  signal: AbortSignal,
): Promise<ImportPreview> {
  requireStartable(target, previous, force);
  if (!core.hub.session(target.clusterId)) {
    throw new ConnectError(
      `cluster_id: the agent of cluster "${target.clusterId}" is not connected; a dry run needs it to read the source`,
      Code.Unavailable,
    );
  }
  const [result, sinkWarnings] = await Promise.all([
    callAgent(
      core.hub,
      target.clusterId,
      {
        command: {
          case: "preview",
          value: {
            target: target.name,
            endpoint: target.endpoint,
            start: timestampFromMs(spec.startMs),
            end: timestampFromMs(spec.endMs),
            selectors: spec.selectors,
            options: spec.options,
            auth: target.auth,
          },
        },
      },
      PREVIEW_TIMEOUT_MS,
      signal,
    ),
    checkSinkAge(
      {
        queryUrl: core.queryUrl,
        tenantHeader: core.tenantHeader,
        tenant: target.clusterId,
        startMs: spec.startMs,
      },
      signal,
    ),
  ]);
  if (result.result.case !== "preview") {
    throw new ConnectError(
      `the agent answered the preview with ${result.result.case ?? "nothing"}`,
      Code.Internal,
    );
  }
  const preview = result.result.value;
  preview.warnings.push(...sinkWarnings);
  return preview;
}
