import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ImportPreview, ImportPreviewSchema, type PreviewImport } from "@ferry/api";
import { DEFAULT_IMPORT_RUN, type ImportRunOptions } from "./import-run";
import { placeProbes, planWindows } from "./preview-plan";
import { RemoteReadError, RemoteReader } from "./remote-reader";
import { SeriesTally } from "./series-tally";
import { listSourceSeries, SeriesApiUnavailableError } from "./source-series";

export interface ImportPreviewOptions {
  /** Probe windows spread over the range, each the planner's initial window long. */
  probes: number;
  /** Planned windows listed in the answer; the total is given in a warning when there are more. */
  maxListedWindows: number;
  /** The whole preview (probes and series look-up) gives up after this long. */
  deadlineMs: number;
  /** Largest /api/v1/series answer read. */
  maxSeriesResponseBytes: number;
}

export const DEFAULT_IMPORT_PREVIEW: ImportPreviewOptions = {
  probes: 6,
  maxListedWindows: 50,
  deadlineMs: 90_000,
  maxSeriesResponseBytes: 256 * 1024 * 1024,
};

/**
 * A dry run of an import: reads a few short probe windows spread over the range (nothing is
 * written), counts series and samples as the import would write them, extrapolates to the whole
 * range, and plans the windows the import's planner would cut from the bytes per ms measured.
 * The series count comes from the source's series API when it answers, since probes miss series
 * that exist only between them.
 */
export async function previewImport(
  command: PreviewImport,
  signal: AbortSignal,
  run: ImportRunOptions = DEFAULT_IMPORT_RUN,
  options: ImportPreviewOptions = DEFAULT_IMPORT_PREVIEW,
): Promise<ImportPreview> {
  if (!command.start) throw new ConnectError("start: is required", Code.InvalidArgument);
  if (!command.end) throw new ConnectError("end: is required", Code.InvalidArgument);
  const startMs = timestampMs(command.start);
  const endMs = timestampMs(command.end);
  if (endMs < startMs) throw new ConnectError("end: must not be before start", Code.InvalidArgument);
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(options.deadlineMs)]);
  const spanMs = endMs - startMs + 1;
  const warnings: string[] = [];

  const reader = new RemoteReader({
    endpoint: command.endpoint,
    selectors: command.selectors,
    limits: run.limits,
    maxResponseBytes: run.maxResponseBytes,
    timeoutMs: run.readTimeoutMs,
    auth: command.auth,
  });
  const probes = placeProbes(startMs, endMs, run.planner.initialMs, options.probes);
  const probed = new SeriesTally(command.options);
  let probedMs = 0;
  let bytes = 0;
  let responseType = "";
  // One probe at a time: a preview should not weigh on the source more than the import's first window.
  try {
    for (const probe of probes) {
      const opened = await reader.open(probe, deadline);
      const result = await opened.consume(async (batch) => probed.addBatch(batch));
      bytes += result.bytes;
      responseType ||= result.mode;
      probedMs += probe.endMs - probe.startMs + 1;
    }
  } catch (error) {
    throw readFailure(error, signal);
  } finally {
    reader.close();
  }

  let series = probed.series;
  const readWhole = probedMs >= spanMs;
  if (!readWhole) {
    try {
      const listed = new SeriesTally(command.options);
      const found = await listSourceSeries(
        {
          endpoint: command.endpoint,
          selectors: command.selectors,
          startMs,
          endMs,
          auth: command.auth,
          timeoutMs: run.readTimeoutMs,
          maxResponseBytes: options.maxSeriesResponseBytes,
        },
        deadline,
      );
      for (const labels of found) listed.addSeries(labels);
      series = listed.series;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!(error instanceof SeriesApiUnavailableError) && !deadline.aborted) throw error;
      const why = error instanceof SeriesApiUnavailableError ? error.message : "the series look-up timed out";
      warnings.push(
        `series counted from the probes only (${why}): series that exist only outside the ${probes.length} probed windows are missing from the count`,
      );
    }
  }

  const scale = spanMs / probedMs;
  const plan = planWindows(startMs, endMs, bytes / probedMs, run.planner, options.maxListedWindows);
  if (plan.total > plan.listed.length) {
    warnings.push(`the import would read ${plan.total} windows; the first ${plan.listed.length} are listed`);
  }
  if (probed.samples === 0) {
    warnings.push(`the probes read no samples (${formatMs(probedMs)} of the range); the estimates are 0`);
  }
  const samplesPerMs = probed.samples / probedMs;
  return create(ImportPreviewSchema, {
    series: BigInt(series),
    estimatedSamples: BigInt(Math.round(probed.samples * scale)),
    estimatedBytes: BigInt(Math.round(bytes * scale)),
    windows: plan.listed.map((w) => ({
      start: timestampFromMs(w.startMs),
      end: timestampFromMs(w.endMs),
      estimatedSamples: BigInt(Math.round((w.endMs - w.startMs + 1) * samplesPerMs)),
    })),
    warnings,
    probedMs: BigInt(probedMs),
    responseType,
  });
}

function readFailure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof RemoteReadError) {
    return new ConnectError(
      `endpoint: ${error.message}`,
      error.retryable ? Code.Unavailable : Code.FailedPrecondition,
    );
  }
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return new ConnectError("the probes of the source did not finish in time", Code.DeadlineExceeded);
  }
  return error;
}

function formatMs(ms: number): string {
  return ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)}h` : `${Math.round(ms / 60_000)}m`;
}
