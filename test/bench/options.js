// Command-line flags of `npm run bench`.
const { parseArgs } = require("node:util");
const { SINK_KINDS } = require("./sinks");

const USAGE = `usage: npm run bench -- [flags]

  --series N           series in the dataset (default 1000)
  --hours H            hours of history at 15 s (default 24)
  --quick              100 series × 2 h: a smoke check in under a minute
  --sink KIND          victoria-metrics (default) or prometheus (remote-write receiver)
  --window-hours H     remote-read window of the raw references (default 2)
  --concurrency N      POSTs in flight in the raw ingest reference (default 4, as the agent)
  --repeat N           runs of each measurement, the median stands (default 3; 1 with --quick or --scaling)
  --scaling            instead: Ferry alone for 1k × 1 h, 20k × 1 h, 1k × 24 h, 1k × 7 d, through one
                       agent, gateway and sink, in turns (each row the median of 5 measured blocks,
                       after 1000 one-minute warm-up imports), and 10 × 1 h imported 100 times per
                       block for the fixed cost of an import
  --agents N           instead: N simulated agents on one gateway, broadcast Discover round trip and RSS
  --budget-minutes M   --scaling skips the 7 d run if its estimate exceeds what is left (default 30)
  --skip-references    only the Ferry import (no raw read/ingest, no vmctl)
  --cpu-prof           CPU profiles of the agent and gateway (bench-results/profiles-*), summarised
  --keep               keep the work directory (datasets, sink data)
`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      series: { type: "string" },
      hours: { type: "string" },
      quick: { type: "boolean", default: false },
      sink: { type: "string", default: "victoria-metrics" },
      "window-hours": { type: "string", default: "2" },
      concurrency: { type: "string", default: "4" },
      repeat: { type: "string" },
      scaling: { type: "boolean", default: false },
      agents: { type: "string" },
      "budget-minutes": { type: "string", default: "30" },
      "skip-references": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const positive = (flag, text) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got ${text}`);
    return n;
  };
  const integer = (flag, text) => {
    const n = positive(flag, text);
    if (!Number.isInteger(n)) throw new Error(`--${flag} must be a whole number, got ${text}`);
    return n;
  };
  const sink = values.sink === "vm" ? "victoria-metrics" : values.sink;
  if (!SINK_KINDS.includes(sink))
    throw new Error(`--sink must be one of ${SINK_KINDS.join(", ")}, got ${values.sink}`);
  return {
    help: values.help,
    series: integer("series", values.series ?? (values.quick ? "100" : "1000")),
    hours: integer("hours", values.hours ?? (values.quick ? "2" : "24")),
    quick: values.quick,
    sink,
    windowMs: positive("window-hours", values["window-hours"]) * 3600_000,
    concurrency: integer("concurrency", values.concurrency),
    repeat: integer("repeat", values.repeat ?? (values.quick || values.scaling ? "1" : "3")),
    scaling: values.scaling,
    agents: values.agents === undefined ? undefined : integer("agents", values.agents),
    budgetMinutes: positive("budget-minutes", values["budget-minutes"]),
    skipReferences: values["skip-references"],
    cpuProf: values["cpu-prof"],
    keep: values.keep,
  };
}

module.exports = { parseOptions, USAGE };
