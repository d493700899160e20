// `node test/bench/import-ab.js TREE_A TREE_B [series] [minutes] [block]`: the CPU per import of two
// builds (two checkouts, each built with `npm ci && npx tsc -b`), measured side by side against one
// source and one sink. This machine's speed drifts by 15-20 % within minutes, so two runs of
// import-sweep.js, one per build, cannot show a change of a few percent; here both builds run at
// once and are measured in alternating blocks (ROUNDS rounds of BLOCK imports each, the order
// flipped every round), and the ratio of each round's pair is reported.
// The warm-up (WARMUP_IMPORTS one-minute imports, see scaling.js) also alternates, in steps of 50:
// a side left idle for the tens of seconds the other one warms up cost 10-15 % more CPU per import
// afterwards, for about a hundred imports. Run with the same tree twice to see the noise floor.
const { mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");
const { prepareSource } = require("./comparison");
const { cpuSecondsOf } = require("./process-stats");
const { startSink } = require("./sinks");
const { stopOnSignals, teardown } = require("./teardown");

const WARMUP_IMPORTS = 1000;
const WARMUP_STEP = 50;
const ROUNDS = 10;
/** Imports per block unless a fifth argument says otherwise (CPU is read in 10 ms ticks). */
const BLOCK = 10;

async function startSide(name, tree, { work, sink, source }) {
  // Each tree's own bench helpers start its own `ferry` (ferry-processes.js resolves it there).
  const processes = require(join(tree, "test", "bench", "ferry-processes"));
  const { importApi } = require(join(tree, "test", "bench", "import-over-api"));
  const cluster = `side-${name.toLowerCase()}`;
  const gateway = await processes.startGateway({
    dataDir: join(work, name, "gateway"),
    remoteWriteUrl: sink.remoteWriteUrl,
    queryUrl: sink.url,
  });
  teardown.add(`${name} gateway`, () => processes.stopFerry(gateway));
  const agent = await processes.startAgent({
    gatewayUrl: gateway.url,
    cluster,
    dataDir: join(work, name, "agent"),
  });
  teardown.add(`${name} agent`, () => processes.stopFerry(agent));
  await processes.ferryJson(gateway.url, [
    ...["targets", "add", "--cluster", cluster, "--name", "source", "--endpoint", source.remoteReadUrl],
  ]);
  const api = importApi(gateway.url, gateway.adminToken);
  teardown.add(`${name} API client`, async () => api.close());
  return { name, tree, agent, gateway, api, cluster, agentMs: [], gatewayMs: [] };
}

async function importOnce(side, dataset, minutes) {
  const imp = await side.api.runImport({
    clusterId: side.cluster,
    target: "source",
    startMs: dataset.startMs,
    endMs: dataset.startMs + minutes * 60_000 - 1,
    force: true,
  });
  const c = imp.counters ?? {};
  const exact = Number(c.samplesWritten ?? 0) === Number(c.samplesRead ?? -1) && !(c.samplesRejected > 0);
  if (imp.state !== "IMPORT_STATE_COMPLETED" || !exact) {
    throw new Error(`${side.name}: import not completed exactly: ${JSON.stringify(imp)}`);
  }
  return Number(c.samplesWritten ?? 0);
}

async function measureBlock(side, dataset, minutes, block) {
  const agentBefore = cpuSecondsOf(side.agent.pid);
  const gatewayBefore = cpuSecondsOf(side.gateway.pid);
  for (let i = 0; i < block; i++) await importOnce(side, dataset, minutes);
  side.agentMs.push(((cpuSecondsOf(side.agent.pid) - agentBefore) * 1000) / block);
  side.gatewayMs.push(((cpuSecondsOf(side.gateway.pid) - gatewayBefore) * 1000) / block);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const [treeA, treeB] = process.argv.slice(2, 4).map((t) => t && resolve(t));
  const series = Number(process.argv[4] ?? 1000);
  const minutes = Number(process.argv[5] ?? 60);
  // Small imports cost a few ms: a block of 10 reads their CPU to the nearest ms only.
  const block = Number(process.argv[6] ?? BLOCK);
  const valid = [series, block].every((n) => Number.isInteger(n) && n > 0) && minutes > 0;
  if (!treeA || !treeB || !valid) {
    throw new Error("usage: node test/bench/import-ab.js TREE_A TREE_B [series] [minutes] [block]");
  }
  stopOnSignals();
  const work = await mkdtemp(join(tmpdir(), "ferry-ab-"));
  teardown.add("work directory", () => rm(work, { recursive: true, force: true }));
  const log = (line) => process.stderr.write(`${line}\n`);
  const hours = Math.ceil(minutes / 60);
  const { source, dataset } = await prepareSource({ series, hours, dir: work, teardown, log });
  const sink = await startSink("victoria-metrics", join(work, "sink"));
  teardown.add("sink", () => sink.server.stop());
  const a = await startSide("A", treeA, { work, sink, source });
  const b = await startSide("B", treeB, { work, sink, source });

  log(`warming up: ${WARMUP_IMPORTS} imports of 1 min on each side, alternating`);
  for (let done = 0; done < WARMUP_IMPORTS; done += WARMUP_STEP) {
    for (const side of [a, b]) for (let i = 0; i < WARMUP_STEP; i++) await importOnce(side, dataset, 1);
  }
  for (const side of [a, b]) await importOnce(side, dataset, minutes);
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 ? [b, a] : [a, b]) await measureBlock(side, dataset, minutes, block);
  }

  const samples = await importOnce(a, dataset, minutes);
  console.log(
    `${series} series × ${minutes} min (${samples.toLocaleString("en-US")} samples per import): ` +
      `CPU ms per import, median of ${ROUNDS} blocks of ${block}`,
  );
  for (const side of [a, b]) {
    const total = side.agentMs.map((ms, i) => ms + side.gatewayMs[i]);
    console.log(
      `${side.name} ${side.tree}: agent ${median(side.agentMs).toFixed(2)}, gateway ` +
        `${median(side.gatewayMs).toFixed(2)}, both ${median(total).toFixed(2)}`,
    );
  }
  const ratio = (of) => median(of(b).map((ms, i) => ms / of(a)[i])).toFixed(3);
  console.log(
    `B / A, median of the rounds' ratios: agent ${ratio((s) => s.agentMs)}, gateway ` +
      `${ratio((s) => s.gatewayMs)}, both ${ratio((s) => s.agentMs.map((ms, i) => ms + s.gatewayMs[i]))}`,
  );
}

main()
  .catch((error) => {
    process.exitCode = 1;
    console.error(error);
  })
  .finally(() => teardown.runAll());
