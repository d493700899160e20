export { canonicalLabels } from "./canonical-labels";
export { ProcessExitedError, PrometheusApiError, PromtoolError, ReadyTimeoutError } from "./errors";
export { type EtcdOptions, type EtcdServer, startEtcd } from "./etcd-server";
export { freePort } from "./free-port";
export {
  type History,
  type HistoryOptions,
  historyValue,
  type SeriesInfo,
  type SeriesKind,
  stepCount,
  writeOpenMetricsHistory,
} from "./history";
export {
  type ManagedProcess,
  type ManagedProcessOptions,
  type ProcessExit,
  spawnManaged,
  type WaitForHttpReadyOptions,
  waitForHttpReady,
} from "./process-harness";
export {
  type InstantSeries,
  instantQuery,
  type Labels,
  type RangeSeries,
  type RequestHeaders,
  rangeQuery,
  type Sample,
  series,
} from "./prometheus-api";
export type { RemoteWriteTarget } from "./prometheus-config";
export {
  type PrometheusOptions,
  type PrometheusRole,
  type PrometheusServer,
  startPrometheus,
} from "./prometheus-server";
export { type CreateBlocksOptions, createBlocks } from "./promtool";
export {
  countSamplesPerSeries,
  detectRangeSemantics,
  type RangeSemantics,
  totalSamples,
} from "./sample-count";
export { buildSourceTsdb, type SourceTsdb, type SourceTsdbOptions } from "./source-tsdb";
export {
  startVictoriaMetrics,
  type VictoriaMetricsOptions,
  type VictoriaMetricsServer,
} from "./victoria-metrics-server";
