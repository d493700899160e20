/** A local server process ended before it became ready, or while it was expected to run. */
export class ProcessExitedError extends Error {
  readonly code = "process_exited";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly logTail: string,
  ) {
    super(
      `${command} exited (code ${exitCode}, signal ${signal}) before it was ready; last log lines:\n${logTail}`,
    );
    this.name = "ProcessExitedError";
  }
}

/** A local server did not answer its readiness URL in time. */
export class ReadyTimeoutError extends Error {
  readonly code = "ready_timeout";
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    readonly logTail: string,
  ) {
    super(`${url} not ready after ${timeoutMs} ms; last log lines:\n${logTail}`);
    this.name = "ReadyTimeoutError";
  }
}

/** `promtool` failed; `output` holds what it printed. */
export class PromtoolError extends Error {
  readonly code = "promtool_failed";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`promtool ${args.join(" ")} failed (code ${exitCode}):\n${output}`);
    this.name = "PromtoolError";
  }
}

/** The Prometheus HTTP API answered with an error status or an `error` body. */
export class PrometheusApiError extends Error {
  readonly code = "prometheus_api_error";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly errorType: string,
    readonly detail: string,
  ) {
    super(`${url}: HTTP ${status} ${errorType}: ${detail}`);
    this.name = "PrometheusApiError";
  }
}
