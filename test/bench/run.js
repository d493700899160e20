// `npm run bench`: Ferry's import speed, CPU and memory against the raw speed of its source and
// sink and against vmctl, on generated history. See options.js for the flags.
const { mkdir, mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { cpus, totalmem } = require("node:os");
const { join } = require("node:path");
const { formatProfiles, summariseProfiles } = require("./cpu-profile");
const { runComparison } = require("./comparison");
const { parseOptions, USAGE } = require("./options");
const {
  comparisonRows,
  fixedCostOf,
  formatComparison,
  formatScaling,
  int,
  mib,
  scalingRows,
  scalingSummary,
  writeRecord,
} = require("./report");
const { formatAgentsScale, runAgentsScale } = require("./agents-scale");
const { runScaling } = require("./scaling");
const { stopOnSignals, teardown } = require("./teardown");

const ROOT = join(__dirname, "..", "..");

function log(text) {
  process.stderr.write(`bench: ${text}\n`);
}

/** For repeated measurements: how many runs were exact, and the sink counts of those that were not. */
function runsNote(r) {
  if (r.runs.length < 2) return "";
  const off = r.runs.filter((x) => !x.exact).map((x) => int(x.sinkSamples));
  return `; exact in ${r.runs.length - off.length} of ${r.runs.length} runs${off.length ? ` (others: ${off.join(", ")})` : ""}`;
}

function verificationLines(results) {
  const lines = [];
  const f = results.ferry?.verification;
  if (f) {
    lines.push(
      `Ferry (median run): source ${int(f.sourceSamples)} samples, sink ${int(f.sinkSamples)}, import read ${int(f.read)} ` +
        `= written ${int(f.written)} (rejected ${int(f.rejected)}): ${f.exact ? "exact" : "MISMATCH"}${runsNote(results.ferry)}`,
    );
  }
  if (results.ferry) {
    const { cpuSeconds: c, seconds } = results.ferry;
    const s = (n) => `${n.toFixed(1)} s`;
    lines.push(
      `Ferry (median run) CPU over its ${s(seconds)}: agent ${s(c.agent)}, gateway ${s(c.gateway)}, ` +
        `source Prometheus ${s(c.source)}, sink ${s(c.sink)} (${cpus().length} cores)`,
    );
  }
  for (const [name, r] of [
    ["raw ingest", results.rawIngest],
    ["vmctl", results.vmctl],
  ]) {
    if (!r) continue;
    const v = r.verification;
    const sent = v.vmctlSentSamples === undefined ? "" : ` (vmctl says it sent ${int(v.vmctlSentSamples)})`;
    lines.push(`${name}: sink holds ${int(v.sinkSamples)} of ${int(v.sourceSamples)}${sent}${runsNote(r)}`);
  }
  return lines;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  stopOnSignals();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const work = await mkdtemp(join(tmpdir(), "ferry-bench-"));
  if (!options.keep) teardown.add("work directory", () => rm(work, { recursive: true, force: true }));
  const cpuProfDir = options.cpuProf ? join(ROOT, "bench-results", `profiles-${stamp}`) : undefined;
  if (cpuProfDir) await mkdir(cpuProfDir, { recursive: true });
  log(`work directory ${work}`);
  try {
    const began = Date.now();
    const record = { startedAt: new Date(began).toISOString(), host: hostInfo() };
    let allExact;
    if (options.agents !== undefined) {
      record.agentsScale = await runAgentsScale({ agents: options.agents });
      process.stdout.write(`\n${formatAgentsScale(record.agentsScale)}\n`);
      allExact = record.agentsScale.connected === options.agents && record.agentsScale.discover.errors === 0;
    } else if (options.scaling) {
      record.scaling = await runScaling(options, { work, teardown, log, cpuProfDir });
      const fixedCost = fixedCostOf(record.scaling.fixedCost);
      const rows = scalingRows(record.scaling.runs, fixedCost);
      record.scaling.rows = rows;
      record.scaling.fixedCostPerImport = fixedCost;
      process.stdout.write(
        `\nFerry end to end, ${options.sink} sink\n${formatScaling(rows)}\n${scalingSummary(rows, fixedCost)}\n`,
      );
      const peak = record.scaling.overallPeakRssBytes;
      process.stdout.write(
        `peak RSS over the whole run: agent ${mib(peak.agent)}, gateway ${mib(peak.gateway)}\n`,
      );
      for (const s of record.scaling.skipped)
        process.stdout.write(`skipped ${s.series} × ${s.hours} h (budget)\n`);
      allExact = fixedCost.exact && rows.every((r) => r.exact);
    } else {
      const results = await runComparison(options, { work, teardown, log, cpuProfDir });
      record.results = results;
      record.rows = comparisonRows(results);
      const d = results.dataset;
      process.stdout.write(
        `\n${d.series} series × ${d.hours} h at 15 s = ${int(d.samples)} samples; sink ${options.sink}\n` +
          `${formatComparison(record.rows)}\n\n${verificationLines(results).join("\n")}\n`,
      );
      if (cpuProfDir) {
        record.profiles = await summariseProfiles(cpuProfDir, results.ferry.pids);
        process.stdout.write(`\n${formatProfiles(record.profiles)}\n`);
      }
      // Only Ferry's own exactness decides the exit status: vmctl 1.79 now and then leaves out a
      // whole series (it says so in its own totals), and Prometheus 2.42 as an out-of-order sink
      // has lost samples it acknowledged; those are reported, not failed on.
      allExact = results.ferry.runs.every((run) => run.exact);
    }
    record.totalSeconds = (Date.now() - began) / 1000;
    const file = await writeRecord(ROOT, record);
    process.stdout.write(`\nwritten to ${file} (${record.totalSeconds.toFixed(0)} s in all)\n`);
    if (!allExact) {
      log("the sink does not hold exactly what the source holds after a Ferry import (see above)");
      process.exitCode = 1;
    }
  } finally {
    await teardown.runAll();
    if (options.keep) log(`kept ${work}`);
  }
}

function hostInfo() {
  return { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memBytes: totalmem() };
}

main().catch(async (err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`);
  await teardown.runAll();
  process.exitCode = 1;
});
