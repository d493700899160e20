import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { MatchType, PreviewImportSchema, SourceAuthSchema } from "@ferry/api";
import type { WriteSeries } from "@ferry/prompb";
import { previewImport } from "./import-preview";
import { DEFAULT_IMPORT_RUN, type ImportRunOptions } from "./import-run";
import { samplesReadResponse } from "./testing/samples-read-response";

const MIN = 60_000;
const HOUR = 60 * MIN;
const STEP = 15_000;
const START = 100 * HOUR;
const END = START + 10 * HOUR - 1;

function regular(labels: [string, string][], from: number, to: number): WriteSeries {
  const samples = [];
  for (let t = from; t <= to; t += STEP) samples.push({ timestampMs: t, value: 1 });
  return { labels, samples };
}

/** Two series over the whole range, one only between two probes (see placeProbes), one dropped. */
const SOURCE: WriteSeries[] = [
  regular(
    [
      ["__name__", "up"],
      ["job", "a"],
    ],
    START,
    END,
  ),
  regular(
    [
      ["__name__", "up"],
      ["cluster", "x"],
      ["job", "b"],
    ],
    START,
    END,
  ),
  regular(
    [
      ["__name__", "up"],
      ["job", "brief"],
    ],
    START + 130 * MIN,
    START + 230 * MIN - 1,
  ),
  regular(
    [
      ["__name__", "up"],
      ["job", "noise"],
    ],
    START,
    END,
  ),
];
const TOTAL_SAMPLES = 3 * ((10 * HOUR) / STEP);

interface Source {
  url: string;
  reads: [number, number][];
  seriesForms: URLSearchParams[];
  /** Authorization header of each request, reads and series look-ups alike. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A remote-read source answering SAMPLES with what it holds in each queried range (matchers are
 * not applied), and, when asked to, /api/v1/series with every series it holds.
 */
async function startSource(opts: { seriesApi: boolean; readStatus?: number }): Promise<Source> {
  const reads: [number, number][] = [];
  const seriesForms: URLSearchParams[] = [];
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (p: Buffer) => parts.push(p));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      authorizations.push(req.headers.authorization);
      if (req.url === "/prom/api/v1/series" && opts.seriesApi) {
        seriesForms.push(new URLSearchParams(body.toString()));
        const data = SOURCE.map((s) => Object.fromEntries(s.labels));
        res
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ status: "success", data }));
        return;
      }
      if (req.url !== "/prom/api/v1/read" || opts.readStatus) {
        res.writeHead(opts.readStatus ?? 404).end("not here");
        return;
      }
      res.writeHead(200, { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy" });
      res.end(samplesReadResponse(SOURCE, body, reads));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prom/api/v1/read`,
    reads,
    seriesForms,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const RUN: ImportRunOptions = {
  ...DEFAULT_IMPORT_RUN,
  planner: { targetBytes: 64 * 1024, initialMs: 10 * MIN, minMs: MIN, maxMs: 24 * HOUR },
};

function command(endpoint: string, startMs = START, endMs = END) {
  return create(PreviewImportSchema, {
    target: "main",
    endpoint,
    start: timestampFromMs(startMs),
    end: timestampFromMs(endMs),
    selectors: [{ matchers: [{ type: MatchType.EQUAL, name: "__name__", value: "up" }] }],
    options: {
      extraLabels: { cluster: "x" },
      drop: [{ matchers: [{ type: MatchType.EQUAL, name: "job", value: "noise" }] }],
    },
  });
}

describe("previewImport", () => {
  const signal = new AbortController().signal;
  let source: Source | undefined;
  afterEach(async () => {
    await source?.close();
    source = undefined;
  });

  it("probes a few short windows, extrapolates, and counts series with the series API", async () => {
    source = await startSource({ seriesApi: true });
    const preview = await previewImport(command(source.url), signal, RUN);

    expect(source.reads).toHaveLength(6);
    expect(source.reads.every(([from, to]) => to - from + 1 === 10 * MIN)).toBe(true);
    expect(source.reads[0]?.[0]).toBe(START);
    expect(source.reads.at(-1)?.[1]).toBe(END);
    expect(preview.probedMs).toBe(BigInt(60 * MIN));
    expect(preview.responseType).toBe("samples");
    // The series API sees the brief series the probes miss; "noise" is dropped, and job="b" keeps
    // its own cluster label, which the extra label would have set to the same value anyway.
    expect(preview.series).toBe(3n);
    const [form] = source.seriesForms;
    expect(form?.getAll("match[]")).toEqual(["up"]);
    expect(Number(form?.get("start"))).toBe(START / 1000);
    expect(Number(form?.get("end"))).toBe(END / 1000);
    // Two series fill the range; the brief one is outside every probe, so the estimate misses it.
    const estimated = Number(preview.estimatedSamples);
    expect(estimated).toBeGreaterThan(TOTAL_SAMPLES * (2 / 3) * 0.95);
    expect(estimated).toBeLessThan(TOTAL_SAMPLES * (2 / 3) * 1.05);
    expect(preview.warnings).toEqual([]);
  });

  it("plans the windows from the bytes per ms the probes measured", async () => {
    source = await startSource({ seriesApi: true });
    const preview = await previewImport(command(source.url), signal, RUN);
    const windows = preview.windows.map((w) => [timestampMs(w.start!), timestampMs(w.end!)]);
    expect(windows[0]).toEqual([START, START + 10 * MIN - 1]);
    expect(windows.at(-1)?.[1]).toBe(END);
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.[0]).toBe((windows[i - 1]?.[1] ?? 0) + 1);
    const perWindow = preview.windows.reduce((n, w) => n + w.estimatedSamples, 0n);
    expect(Number(perWindow)).toBeCloseTo(Number(preview.estimatedSamples), -2);
  });

  it("falls back to the probes' series and says so when the series API does not answer", async () => {
    source = await startSource({ seriesApi: false });
    const preview = await previewImport(command(source.url), signal, RUN);
    expect(preview.series).toBe(2n);
    expect(preview.warnings).toHaveLength(1);
    expect(preview.warnings[0]).toMatch(
      /^series counted from the probes only \(http:\/\/127\.0\.0\.1:\d+\/prom\/api\/v1\/series answered HTTP 404/,
    );
  });

  it("reads a short range whole: exact figures, no series look-up", async () => {
    source = await startSource({ seriesApi: true });
    const preview = await previewImport(
      command(source.url, START + 150 * MIN, START + 210 * MIN - 1),
      signal,
      RUN,
    );
    expect(source.reads).toHaveLength(6);
    expect(source.seriesForms).toHaveLength(0);
    expect(preview.series).toBe(3n);
    expect(preview.estimatedSamples).toBe(BigInt(3 * (HOUR / STEP)));
    expect(preview.probedMs).toBe(BigInt(HOUR));
  });

  it("lists at most the first windows and gives the total in a warning", async () => {
    source = await startSource({ seriesApi: true });
    const tiny: ImportRunOptions = { ...RUN, planner: { ...RUN.planner, targetBytes: 200 } };
    const preview = await previewImport(command(source.url), signal, tiny);
    expect(preview.windows).toHaveLength(50);
    expect(preview.warnings).toEqual([
      expect.stringMatching(/^the import would read \d{3} windows; the first 50 are listed$/),
    ]);
  });

  it("fails with the source's answer when a probe cannot be read", async () => {
    source = await startSource({ seriesApi: true, readStatus: 503 });
    const error = await previewImport(command(source.url), signal, RUN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Unavailable);
    expect((error as ConnectError).rawMessage).toMatch(
      /^endpoint: remote read from .* failed with HTTP 503: not here$/,
    );
  });

  it("reads and looks up series with the target's credentials", async () => {
    source = await startSource({ seriesApi: true });
    const dir = await mkdtemp(join(tmpdir(), "ferry-preview-auth-"));
    try {
      await writeFile(join(dir, "token"), "s3cret\n");
      const withAuth = {
        ...command(source.url),
        auth: create(SourceAuthSchema, { bearerTokenFile: join(dir, "token") }),
      };
      const preview = await previewImport(withAuth, signal, RUN);
      expect(preview.series).toBe(3n);
      expect(source.authorizations).toHaveLength(7);
      expect(new Set(source.authorizations)).toEqual(new Set(["Bearer s3cret"]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a range without a start", async () => {
    const error = await previewImport(
      create(PreviewImportSchema, { endpoint: "http://x/api/v1/read" }),
      signal,
    ).catch((e: unknown) => e);
    expect(error).toEqual(new ConnectError("start: is required", Code.InvalidArgument));
  });
});
