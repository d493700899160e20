import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type SeriesRequest, type SeriesResponse, SeriesResponseSchema } from "@ferry/api";
import type { QueryClient } from "./query-client";
import { requireSelectors } from "./validation";

/** /api/v1/series at the sink with the cluster's tenant: the label sets matching any selector. */
export async function lookUpSeries(
  query: QueryClient | undefined,
  req: SeriesRequest,
  signal: AbortSignal,
): Promise<SeriesResponse> {
  if (req.matchers.length === 0) {
    throw new ConnectError("matchers: at least one series selector is required", Code.InvalidArgument);
  }
  requireSelectors("matchers", req.matchers);
  const startMs = req.start ? timestampMs(req.start) : undefined;
  const endMs = req.end ? timestampMs(req.end) : undefined;
  if (startMs !== undefined && endMs !== undefined && endMs < startMs) {
    throw new ConnectError(
      `end: must not be before start (start ${new Date(startMs).toISOString()}, end ${new Date(endMs).toISOString()})`,
      Code.InvalidArgument,
    );
  }
  if (!query) throw new ConnectError("the gateway was started without --query-url", Code.FailedPrecondition);
  const found = await query.series(req.clusterId, req.matchers, { startMs, endMs }, signal);
  const keyed = found.map((labels) => ({ labels, key: sortKey(labels) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return create(SeriesResponseSchema, { series: keyed.map(({ labels }) => ({ labels })) });
}

/** The metric name first, then the other labels by name: the order people read series in. */
function sortKey(labels: Record<string, string>): string {
  const rest = Object.keys(labels)
    .filter((n) => n !== "__name__")
    .sort()
    .map((n) => `${n}\u0000${labels[n]}`);
  return [labels.__name__ ?? "", ...rest].join("\u0001");
}
