import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import {
  buildSourceTsdb,
  type PrometheusServer,
  startPrometheus,
  startVictoriaMetrics,
  totalSamples,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import pino from "pino";
import type { CliDeps } from "../cli-deps";
import { createCommandContext } from "../command-context";
import { followImport } from "../follow-import";

export interface DemoOptions {
  series: number;
  hours: number;
  keep: boolean;
}

const HOUR = 3600_000;
const CLUSTER = "demo";
const TARGET = "local-prometheus";

/**
 * The main job on embedded defaults: a source Prometheus with generated history, a sink
 * Prometheus with its remote-write receiver, a gateway and an agent in this process; one
 * import with live progress; then a count of what landed against what the source holds.
 */
export async function runDemo(deps: CliDeps, options: DemoOptions): Promise<boolean> {
  const say = (text: string) => deps.stdout.write(`${text}\n`);
  const work = await mkdtemp(join(tmpdir(), "ferry-demo-"));
  const logger = pino({ level: deps.env.FERRY_LOG_LEVEL ?? "warn" }, pino.destination(2));
  const endMs = Math.floor(deps.now() / HOUR) * HOUR - HOUR;
  const startMs = endMs - options.hours * HOUR;
  const servers: Array<PrometheusServer | VictoriaMetricsServer> = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    say(
      `ferry demo: ${options.hours} h of history from a local Prometheus into a local sink (work dir ${work})`,
    );
    let t = deps.now();
    const history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: options.series,
      startMs,
      endMs,
      stepMs: 15_000,
    });
    say(
      `  history   ${options.series} series × ${options.hours} h at 15 s = ${history.samples.toLocaleString("en-US")} samples (${((deps.now() - t) / 1000).toFixed(1)} s)`,
    );

    // The sink is VictoriaMetrics: Prometheus 2.42 as an out-of-order sink acknowledges every
    // sample yet sometimes loses some after its head compactions (seen here: ~0.1 % of a day of
    // history in about half the runs), which would make the demo's final count a coin toss.
    const [source, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "sink") }),
    ]);
    servers.push(source, sink);
    say(`  source    Prometheus ${source.url} (remote read ${source.remoteReadUrl})`);
    say(`  sink      VictoriaMetrics ${sink.url} (remote write ${sink.remoteWriteUrl})`);

    const gateway = await deps.startGateway({
      listen: "127.0.0.1:0",
      dataDir: join(work, "gateway"),
      remoteWriteUrl: sink.remoteWriteUrl,
      queryUrl: sink.url,
      // TLS as `ferry gateway` serves by default; everything below pins its certificate.
      tls: { selfSigned: true },
      logger,
    });
    closers.push(() => gateway.close());
    const pin = gateway.fingerprint;
    const trust = pin ? { pins: [pin.slice("sha256:".length)] } : undefined;
    // The gateway made its admin token on this first start; the agent enrolls as an operator's
    // would, with a bootstrap token made through the API (ferry tokens create --cluster demo).
    const ctx = createCommandContext(deps, gateway.url, "table", trust, gateway.adminToken);
    const { secret } = await ctx.admin.createBootstrapToken({ clusterId: CLUSTER }, ctx.call);
    const agent = await deps.startAgent({
      gatewayUrl: gateway.url,
      clusterId: CLUSTER,
      bootstrapToken: secret,
      dataDir: join(work, "agent"),
      gatewayCaPin: pin,
      logger,
    });
    closers.unshift(() => agent.close());
    await agent.ready();
    say(
      `  gateway   ${gateway.url} (certificate ${pin ?? "none"}); agent of cluster "${CLUSTER}" enrolled and connected`,
    );

    await ctx.client.addTarget(
      { clusterId: CLUSTER, name: TARGET, endpoint: source.remoteReadUrl },
      ctx.call,
    );
    say(`\n$ ferry targets add --cluster ${CLUSTER} --name ${TARGET} --endpoint ${source.remoteReadUrl}`);
    say(
      `$ ferry import start --cluster ${CLUSTER} --target ${TARGET} --start ${new Date(startMs).toISOString()} --end ${new Date(endMs).toISOString()} --follow`,
    );
    t = deps.now();
    const started = await ctx.client.startImport(
      { clusterId: CLUSTER, target: TARGET, start: timestampFromMs(startMs), end: timestampFromMs(endMs) },
      ctx.call,
    );
    if (!started.import) throw new Error("the gateway returned no import");
    await followImport(ctx, started.import);
    const seconds = (deps.now() - t) / 1000;

    const { import: final } = await ctx.client.getImport({ clusterId: CLUSTER, target: TARGET }, ctx.call);
    const written = Number(final?.counters?.samplesWritten ?? 0n);
    await sink.flush();
    const landed = await totalSamples(sink.url, '{job="ferry-history"}', startMs, endMs);
    const match = landed === history.samples && final?.state === ImportState.COMPLETED;
    say("");
    say(
      `  imported  ${written.toLocaleString("en-US")} samples in ${seconds.toFixed(1)} s (${Math.round(written / seconds).toLocaleString("en-US")} samples/s)`,
    );
    say(
      `  landed    ${landed.toLocaleString("en-US")} samples in the sink, source holds ${history.samples.toLocaleString("en-US")}: ${match ? "exact match" : "MISMATCH"}`,
    );
    const query = `count(count_over_time({job="ferry-history"}[${options.hours}h]))`;
    const answer = await ctx.client.query(
      { clusterId: CLUSTER, query, time: timestampFromMs(endMs) },
      ctx.call,
    );
    say(
      `  query     ferry query --cluster ${CLUSTER} '${query}' → ${answer.series[0]?.samples[0]?.value ?? "nothing"} series`,
    );
    return match;
  } finally {
    for (const close of closers) await close().catch(() => undefined);
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    if (options.keep) say(`  kept      ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}
