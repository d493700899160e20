// The reference importer: Debian's vmctl (1.79) reading the same TSDB blocks directly
// (`vmctl prometheus --prom-snapshot`) into a fresh VictoriaMetrics. It insists on a terminal even
// when silent, so it runs under `script`; GNU time reports its peak RSS and CPU time.
const { join } = require("node:path");
const { spawnManaged, startVictoriaMetrics } = require("@ferry/local-prometheus");
const { memoryOf } = require("./process-stats");
const { samplesLanded } = require("./sinks");

const TIME_MARK = "bench-time";

function shellQuote(s) {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

async function measureVmctl({ dataset, snapshotDir, sourceSamples, work, teardown }) {
  const vm = await startVictoriaMetrics({ dataDir: join(work, "vmctl-sink") });
  const stopVm = teardown.add("vmctl sink", () => vm.stop());
  try {
    const vmctl = [
      "/usr/bin/time",
      "-f",
      `${TIME_MARK} maxrss_kb=%M user_s=%U sys_s=%S`,
      "vmctl",
      "prometheus",
      "-s",
      "--vm-disable-progress-bar",
      `--prom-snapshot=${snapshotDir}`,
      `--vm-addr=${vm.url}`,
    ];
    const began = process.hrtime.bigint();
    const proc = spawnManaged({
      command: "script",
      args: ["-qec", vmctl.map(shellQuote).join(" "), "/dev/null"],
      logLines: 400,
    });
    const stopProc = teardown.add("vmctl", () => proc.kill());
    const exit = await proc.exited;
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    await stopProc();
    const log = proc.logs(400);
    if (exit.code !== 0) throw new Error(`vmctl exited ${exit.code ?? exit.signal}:\n${proc.logs(30)}`);
    const m = new RegExp(`${TIME_MARK} maxrss_kb=(\\d+) user_s=([\\d.]+) sys_s=([\\d.]+)`).exec(log);
    if (!m) throw new Error(`no resource figures from GNU time in vmctl's output:\n${proc.logs(30)}`);
    const landed = await samplesLanded({ url: vm.url, flush: () => vm.flush() }, dataset);
    // vmctl's own count of what it sent: 1.79 sometimes sends fewer samples than the snapshot
    // holds (its "samples:" line), and says so here.
    const sent = /total samples: (\d+)/.exec(log);
    return {
      samples: landed,
      seconds,
      samplesPerSecond: landed / seconds,
      peakRssBytes: Number(m[1]) * 1024,
      cpuSeconds: Number(m[2]) + Number(m[3]),
      sinkPeakRssBytes: memoryOf(vm.pid).peakRssBytes,
      verification: {
        sourceSamples,
        sinkSamples: landed,
        vmctlSentSamples: sent ? Number(sent[1]) : undefined,
        exact: landed === sourceSamples,
      },
      summary: vmctlSummary(log),
    };
  } finally {
    await stopVm();
  }
}

/** vmctl's own closing statistics (lines after "Import finished"), for the JSON record. */
function vmctlSummary(log) {
  const lines = log.split(/\r?\n/).filter((l) => /Import finished|samples|Total time|requests/i.test(l));
  return lines.map((l) => l.trim()).slice(-8);
}

module.exports = { measureVmctl };
