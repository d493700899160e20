// Where the agent's and the gateway's CPU time goes, from the V8 profiles `--cpu-prof` writes
// when they exit (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile).
const { readdir, readFile } = require("node:fs/promises");
const { join, relative } = require("node:path");

const ROOT = join(__dirname, "..", "..");

/** Coarse buckets: whose code the time was spent in. */
function areaOf(url, functionName) {
  if (!url) return functionName.startsWith("(") ? functionName : "(native/builtin)";
  if (url.startsWith("node:"))
    return url
      .replace(/^node:(internal\/)?/, "node:")
      .split("/")
      .slice(0, 2)
      .join("/");
  const path = url.replace(/^file:\/\//, "");
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (m) return m[1];
  const rel = relative(ROOT, path);
  return rel
    .split("/")
    .slice(0, rel.startsWith("packages/") ? 2 : 1)
    .join("/");
}

function summarise(profile) {
  const totalUs = profile.endTime - profile.startTime;
  const samples = profile.samples.length || 1;
  const perHitMs = totalUs / 1000 / samples;
  const byFunction = new Map();
  const byArea = new Map();
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || "(anonymous)";
    const where = url ? `${relative(ROOT, url.replace(/^file:\/\//, ""))}:${lineNumber + 1}` : "";
    const fnKey = `${name} ${where}`.trim();
    byFunction.set(fnKey, (byFunction.get(fnKey) ?? 0) + node.hitCount * perHitMs);
    const area = areaOf(url, name);
    byArea.set(area, (byArea.get(area) ?? 0) + node.hitCount * perHitMs);
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms) }));
  return { profiledMs: Math.round(totalUs / 1000), areas: top(byArea, 12), functions: top(byFunction, 15) };
}

/** Summaries of the profiles in `dir` written by the processes `pids` ({ agent, gateway }). */
async function summariseProfiles(dir, pids) {
  const files = await readdir(dir).catch(() => []);
  const out = {};
  for (const [role, pid] of Object.entries(pids)) {
    const file = files.find((f) => f.endsWith(".cpuprofile") && f.split(".")[3] === String(pid));
    if (file)
      out[role] = {
        file: join(dir, file),
        ...summarise(JSON.parse(await readFile(join(dir, file), "utf8"))),
      };
  }
  return out;
}

function formatProfiles(summaries) {
  const lines = [];
  for (const [role, s] of Object.entries(summaries)) {
    const busy = s.areas.filter((a) => a.name !== "(idle)");
    lines.push(`${role} (${(s.profiledMs / 1000).toFixed(1)} s profiled), self time by area:`);
    for (const a of busy) lines.push(`  ${String(a.ms).padStart(7)} ms  ${a.name}`);
    lines.push(`${role}, top functions (self time):`);
    for (const f of s.functions.filter((x) => x.name !== "(idle)").slice(0, 12))
      lines.push(`  ${String(f.ms).padStart(7)} ms  ${f.name}`);
  }
  return lines.join("\n");
}

module.exports = { summariseProfiles, formatProfiles };
