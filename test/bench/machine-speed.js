// How fast this machine runs right now: the CPU seconds a fixed workload (hashing, object churn,
// JSON, a sort) takes in this process, the median of a few rounds. This shared host's speed moved
// by 40% within one scaling run; the scaling run measures it before and after each measured block,
// so that ranges measured minutes apart can be seen at one speed.
const { createHash } = require("node:crypto");

const ROUNDS = 5;

function measureMachineSpeed(rounds = ROUNDS) {
  const seconds = [];
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    fixedWorkload();
    const used = process.cpuUsage(before);
    seconds.push((used.user + used.system) / 1e6);
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(rounds / 2)];
}

function fixedWorkload() {
  const hash = createHash("sha256");
  const block = Buffer.alloc(1 << 20, 7);
  for (let i = 0; i < 16; i++) hash.update(block);
  hash.digest();
  const rows = [];
  for (let i = 0; i < 100_000; i++)
    rows.push({ id: i, name: `series_${i % 1000}`, value: (i * 7919) % 10007 });
  const parsed = JSON.parse(JSON.stringify(rows));
  parsed.sort((a, b) => a.value - b.value || a.id - b.id);
  return parsed.length;
}

module.exports = { measureMachineSpeed };
