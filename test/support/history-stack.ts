import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildSourceTsdb,
  type PrometheusServer,
  type SourceTsdb,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "./ferry-stack";

/** A pass-through the gateway writes to instead of the sink (see SinkPassThrough). */
export interface SinkFront {
  start(): Promise<string>;
  close(): Promise<void>;
}

export interface HistoryStackOptions {
  /** Names the temporary directory. */
  name: string;
  series: number;
  startMs: number;
  endMs: number;
  stepMs?: number;
  /** Put in front of the sink, given its remote-write URL. */
  front?: (sinkRemoteWriteUrl: string) => SinkFront;
}

/**
 * The usual import setup of the end-to-end tests: generated history in a source Prometheus, an
 * empty VictoriaMetrics as the sink, and a gateway writing to it (no agent yet).
 */
export class HistoryStack {
  private constructor(
    readonly work: string,
    readonly history: SourceTsdb,
    readonly source: PrometheusServer<"source">,
    readonly sink: VictoriaMetricsServer,
    readonly stack: FerryStack,
    private readonly front: SinkFront | undefined,
  ) {}

  static async start(options: HistoryStackOptions): Promise<HistoryStack> {
    const work = await mkdtemp(join(tmpdir(), `ferry-${options.name}-`));
    const history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: options.series,
      startMs: options.startMs,
      endMs: options.endMs,
      stepMs: options.stepMs ?? 15_000,
    });
    const [source, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "sink") }),
    ]);
    const front = options.front?.(sink.remoteWriteUrl);
    const remoteWriteUrl = front ? await front.start() : sink.remoteWriteUrl;
    const stack = await startFerryStack({ remoteWriteUrl, queryUrl: sink.url });
    return new HistoryStack(work, history, source, sink, stack, front);
  }

  async close(): Promise<void> {
    await this.stack.close();
    await this.front?.close();
    await Promise.all([this.source.stop(), this.sink.stop()]);
    await rm(this.work, { recursive: true, force: true });
  }
}
