export interface RemoteWriteTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface PrometheusConfigOptions {
  port: number;
  outOfOrderWindow?: string;
  remoteWrite?: readonly RemoteWriteTarget[];
  scrapeSelf?: boolean;
  scrapeInterval?: string;
}

/**
 * Builds prometheus.yml as JSON (which YAML accepts), so no value needs YAML quoting.
 * The out-of-order window lives in the file, under `storage.tsdb.out_of_order_time_window`
 * (Prometheus ≥ 2.39); there is no flag for it.
 */
export function buildPrometheusConfig(opts: PrometheusConfigOptions): string {
  const interval = opts.scrapeInterval ?? "15s";
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    ...(opts.outOfOrderWindow
      ? { storage: { tsdb: { out_of_order_time_window: opts.outOfOrderWindow } } }
      : {}),
    scrape_configs: opts.scrapeSelf
      ? [{ job_name: "prometheus", static_configs: [{ targets: [`127.0.0.1:${opts.port}`] }] }]
      : [],
    remote_write: (opts.remoteWrite ?? []).map((target) => ({
      url: target.url,
      ...(target.headers ? { headers: target.headers } : {}),
      // Tests want data at the receiver within a second or two, and quick recovery when it restarts.
      queue_config: {
        capacity: 10_000,
        min_shards: 1,
        max_shards: 4,
        max_samples_per_send: 2_000,
        batch_send_deadline: "1s",
        min_backoff: "50ms",
        max_backoff: "1s",
      },
      metadata_config: { send: false },
    })),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
