// Reference measurements run in a child node process of their own, so their peak RSS and CPU time
// are theirs alone (the child reports process.resourceUsage() with its result).
const { mkdtemp, readFile, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { spawnManaged } = require("@ferry/local-prometheus");

/** Runs `script` with `input`; resolves with the JSON it wrote through `reportResult`. */
async function runChild(script, input, teardown) {
  const dir = await mkdtemp(join(tmpdir(), "ferry-bench-child-"));
  const resultFile = join(dir, "result.json");
  const proc = spawnManaged({
    command: process.execPath,
    args: [join(__dirname, script), JSON.stringify({ ...input, resultFile })],
  });
  const stop = teardown.add(script, () => proc.kill());
  try {
    const exit = await proc.exited;
    if (exit.code !== 0) throw new Error(`${script} exited ${exit.code ?? exit.signal}:\n${proc.logs(30)}`);
    return JSON.parse(await readFile(resultFile, "utf8"));
  } finally {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** In the child: the input given by runChild. */
function childInput() {
  return JSON.parse(process.argv[2] ?? "{}");
}

/** In the child: writes `result` with this process's peak RSS and CPU time. */
async function reportResult(input, result) {
  const usage = process.resourceUsage();
  const { writeFile } = require("node:fs/promises");
  await writeFile(
    input.resultFile,
    JSON.stringify({
      ...result,
      peakRssBytes: usage.maxRSS * 1024,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    }),
  );
}

/** In the child: runs `main(input)`; any error ends the process with status 1. */
function childMain(main) {
  const input = childInput();
  main(input)
    .then((result) => reportResult(input, result))
    .catch((err) => {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exitCode = 1;
    });
}

module.exports = { runChild, childMain };
