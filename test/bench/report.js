// The printed tables and the JSON record in bench-results/.
const { mkdir, writeFile } = require("node:fs/promises");
const { join } = require("node:path");

const MIB = 1024 * 1024;

const int = (n) => Math.round(n).toLocaleString("en-US");
const fixed = (n, digits) => n.toFixed(digits);
const mib = (bytes) => `${int(bytes / MIB)} MiB`;

function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Ferry's peak RSS by process: the highest of all runs, not the median run's. */
function highestPeakRss(ferry) {
  const all = [ferry.peakRssBytes, ...(ferry.runs ?? []).map((x) => x.peakRssBytes).filter(Boolean)];
  return {
    agent: Math.max(...all.map((p) => p.agent)),
    gateway: Math.max(...all.map((p) => p.gateway)),
  };
}

/** One row per measurement, Ferry first; ratios are Ferry's figure over the row's. */
function comparisonRows(results) {
  const ferry = results.ferry;
  const peak = highestPeakRss(ferry);
  const ferryRss = peak.agent + peak.gateway;
  const row = (name, r, mbPerSecond, rss) => ({
    name,
    samplesPerSecond: r.samplesPerSecond,
    mbPerSecond,
    peakRss: rss,
    ferrySpeedRatio: ferry.samplesPerSecond / r.samplesPerSecond,
    ferryRssRatio: rss.total ? ferryRss / rss.total : undefined,
    runs: (r.runs ?? []).map((x) => x.samplesPerSecond),
  });
  const rows = [
    row("Ferry end-to-end", ferry, ferry.bytesWritten / ferry.seconds / 1e6, {
      total: ferryRss,
      text: `agent ${mib(peak.agent)}, gateway ${mib(peak.gateway)}`,
    }),
  ];
  const reference = (name, r, mbPerSecond, who) => {
    if (!r) return;
    const rss = Math.max(r.peakRssBytes, ...(r.runs ?? []).map((x) => x.peakRssBytes ?? 0));
    rows.push(row(name, r, mbPerSecond, { total: rss, text: `${who} ${mib(rss)}` }));
  };
  const { rawReadSamples: s, rawReadStreamed: x, rawIngest: w, vmctl: v } = results;
  reference("raw read SAMPLES", s, s && s.wireBytes / s.seconds / 1e6, "reader");
  reference("raw read STREAMED", x, x && x.wireBytes / x.seconds / 1e6, "reader");
  reference(`raw sink ingest (${results.config.sink})`, w, w && w.wireBytes / w.seconds / 1e6, "writer");
  reference("vmctl prometheus → VM", v, undefined, "vmctl");
  return rows;
}

function formatComparison(rows) {
  const header = [
    "",
    "samples/s",
    "MB/s",
    "peak RSS (highest run)",
    "Ferry÷row speed",
    "Ferry÷row RSS",
    "runs: min–max samples/s",
  ];
  return formatTable(
    header,
    rows.map((r) => [
      r.name,
      int(r.samplesPerSecond),
      r.mbPerSecond === undefined ? "—" : fixed(r.mbPerSecond, 1),
      r.peakRss.text,
      fixed(r.ferrySpeedRatio, 2),
      r.ferryRssRatio === undefined ? "—" : fixed(r.ferryRssRatio, 2),
      r.runs.length > 1 ? `${r.runs.length}: ${int(Math.min(...r.runs))}–${int(Math.max(...r.runs))}` : "—",
    ]),
  );
}

/** CPU seconds of agent and gateway per import of the fixed-cost probe (its few samples included). */
function fixedCostOf(probe) {
  const { ferry } = probe;
  return {
    series: probe.series,
    hours: probe.hours,
    imports: ferry.measuredImports,
    warmupImports: ferry.warmup?.imports ?? 1,
    shortWarmupImports: ferry.warmup?.shortImports ?? 0,
    samplesPerImport: ferry.samples / ferry.measuredImports,
    agentCpuSeconds: ferry.cpuSeconds.agent / ferry.measuredImports,
    gatewayCpuSeconds: ferry.cpuSeconds.gateway / ferry.measuredImports,
    machineSeconds: ferry.machineSeconds,
    exact: ferry.verification.exact,
  };
}

/**
 * Cost per million samples of each scaling run; with `fixedCost` (fixedCostOf), also the cost with
 * the measured imports' fixed cost taken out: what a sample costs once an import is under way.
 */
function scalingRows(runs, fixedCost) {
  return runs.map(({ series, hours, ferry }) => {
    const millions = ferry.samples / 1e6;
    const cpu = ferry.cpuSeconds.agent + ferry.cpuSeconds.gateway;
    const fixedSeconds = fixedCost
      ? ferry.measuredImports * (fixedCost.agentCpuSeconds + fixedCost.gatewayCpuSeconds)
      : 0;
    // machine-speed.js: the row's CPU as it would have been at the speed the probe ran at.
    const toProbeSpeed =
      fixedCost?.machineSeconds && ferry.machineSeconds
        ? fixedCost.machineSeconds / ferry.machineSeconds
        : undefined;
    return {
      series,
      hours,
      samples: ferry.samples,
      imports: ferry.measuredImports,
      warmupImports: ferry.warmup?.imports ?? 1,
      shortWarmupImports: ferry.warmup?.shortImports ?? 0,
      seconds: ferry.seconds,
      samplesPerSecond: ferry.samplesPerSecond,
      wallSecondsPerMillion: ferry.seconds / millions,
      cpuSecondsPerMillion: cpu / millions,
      agentCpuSecondsPerMillion: ferry.cpuSeconds.agent / millions,
      gatewayCpuSecondsPerMillion: ferry.cpuSeconds.gateway / millions,
      marginalCpuSecondsPerMillion: fixedCost ? (cpu - fixedSeconds) / millions : undefined,
      machineSeconds: ferry.machineSeconds,
      atProbeSpeedCpuSecondsPerMillion: toProbeSpeed ? (cpu * toProbeSpeed) / millions : undefined,
      atProbeSpeedMarginalCpuSecondsPerMillion: toProbeSpeed
        ? (cpu * toProbeSpeed - fixedSeconds) / millions
        : undefined,
      firstCpuSecondsPerMillion: ferry.first
        ? (ferry.first.cpuSeconds.agent + ferry.first.cpuSeconds.gateway) / (ferry.first.samples / 1e6)
        : undefined,
      peakRssBytes: ferry.peakRssBytes,
      blockCpuSecondsPerMillion: (ferry.blocks ?? []).map(
        (b) => (b.cpuSeconds.agent + b.cpuSeconds.gateway) / (b.samples / 1e6),
      ),
      exact: ferry.verification.exact,
    };
  });
}

/** How far `values` stray from their midpoint: ± half their range over the midpoint. */
function spread(values) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return { lo, hi, plusMinus: (hi - lo) / (hi + lo) };
}

/** "lo–hi" of `values`, two decimals unless told. */
function rangeOf(values, digits = 2) {
  const { lo, hi } = spread(values);
  return `${fixed(lo, digits)}–${fixed(hi, digits)}`;
}

/**
 * Warm-up imports of a row or the probe: the short ones (one minute each, taken from all the
 * rows in turn) first, when there were any.
 */
function warmupOf({ warmupImports, shortWarmupImports }) {
  return shortWarmupImports > 0
    ? `${int(shortWarmupImports)} of 1 min (all rows) + ${int(warmupImports)}`
    : int(warmupImports);
}

/** The lines under the scaling table: the fixed cost, and the spread of the cost per sample. */
function scalingSummary(rows, fixedCost) {
  const lines = [];
  const ms = (seconds) => `${fixed(seconds * 1000, 1)} ms`;
  if (fixedCost) {
    lines.push(
      `fixed cost of an import (${fixedCost.series} × ${fixedCost.hours} h, ${int(fixedCost.samplesPerImport)} samples, ` +
        `${int(fixedCost.imports)} imports after ${warmupOf(fixedCost)}): agent ${ms(fixedCost.agentCpuSeconds)} + gateway ${ms(fixedCost.gatewayCpuSeconds)} ` +
        `CPU per import${fixedCost.exact ? "" : " (NOT exact)"}`,
    );
  }
  const pct = (values) => `${rangeOf(values)}, ±${fixed(spread(values).plusMinus * 100, 0)}%`;
  if (rows.length > 1) {
    lines.push(`CPU s/M across the rows: ${pct(rows.map((r) => r.cpuSecondsPerMillion))}`);
    if (fixedCost)
      lines.push(
        `CPU s/M less the fixed cost across the rows: ${pct(rows.map((r) => r.marginalCpuSecondsPerMillion))}`,
      );
    if (rows.every((r) => r.atProbeSpeedCpuSecondsPerMillion !== undefined)) {
      lines.push(
        `machine speed (CPU s of a fixed workload beside each median block; the probe's: ${fixed(fixedCost.machineSeconds, 3)}): ${rangeOf(
          rows.map((r) => r.machineSeconds),
          3,
        )}`,
        `CPU s/M at the probe's machine speed across the rows: ${pct(rows.map((r) => r.atProbeSpeedCpuSecondsPerMillion))}`,
        `  and less the fixed cost: ${pct(rows.map((r) => r.atProbeSpeedMarginalCpuSecondsPerMillion))}`,
      );
    }
  }
  return lines.join("\n");
}

function formatScaling(rows) {
  const header = [
    "series × range",
    "imports: warm-up, median block",
    "samples",
    "wall s",
    "samples/s",
    "wall s/M",
    "CPU s/M (agent+gw)",
    "blocks' CPU s/M",
    "less fixed cost",
    "at probe's speed",
    "1st import CPU s/M",
    "agent RSS",
    "gateway RSS",
    "exact",
  ];
  return formatTable(
    header,
    rows.map((r) => [
      `${int(r.series)} × ${r.hours % 24 === 0 && r.hours > 24 ? `${r.hours / 24} d` : `${r.hours} h`}`,
      `${warmupOf(r)}, ${int(r.imports)}`,
      int(r.samples),
      fixed(r.seconds, 1),
      int(r.samplesPerSecond),
      fixed(r.wallSecondsPerMillion, 2),
      `${fixed(r.cpuSecondsPerMillion, 2)} (${fixed(r.agentCpuSecondsPerMillion, 2)}+${fixed(r.gatewayCpuSecondsPerMillion, 2)})`,
      r.blockCpuSecondsPerMillion.length > 1 ? rangeOf(r.blockCpuSecondsPerMillion) : "—",
      r.marginalCpuSecondsPerMillion === undefined ? "—" : fixed(r.marginalCpuSecondsPerMillion, 2),
      r.atProbeSpeedCpuSecondsPerMillion === undefined ? "—" : fixed(r.atProbeSpeedCpuSecondsPerMillion, 2),
      r.firstCpuSecondsPerMillion === undefined ? "—" : fixed(r.firstCpuSecondsPerMillion, 2),
      mib(r.peakRssBytes.agent),
      mib(r.peakRssBytes.gateway),
      r.exact ? "yes" : "NO",
    ]),
  );
}

/** Writes `record` to bench-results/bench-<timestamp>.json under the repository root. */
async function writeRecord(root, record) {
  const dir = join(root, "bench-results");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

module.exports = {
  comparisonRows,
  fixedCostOf,
  formatComparison,
  scalingRows,
  scalingSummary,
  formatScaling,
  writeRecord,
  mib,
  int,
};
