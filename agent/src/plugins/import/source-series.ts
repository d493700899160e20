import type { IncomingMessage } from "node:http";
import type { Selector, SourceAuth } from "@ferry/api";
import { formatSelector } from "@ferry/selector";
import { HttpSource } from "./http-source";
import { SourceAuthError, SourceCredentials } from "./source-auth";

const READ_PATH = "/api/v1/read";
const EVERY_SERIES = '{__name__=~".+"}';

/** The source's series API could not be used; the caller falls back to what it read. */
export class SeriesApiUnavailableError extends Error {
  readonly code = "series_api_unavailable";
}

export interface SeriesLookup {
  /** The remote-read URL of the source. */
  endpoint: string;
  selectors: readonly Selector[];
  startMs: number;
  endMs: number;
  auth?: SourceAuth;
  timeoutMs: number;
  /** Largest response body read; a larger one is given up (it would only cost memory). */
  maxResponseBytes: number;
}

/**
 * The series the source holds in a range, from its Prometheus HTTP API (/api/v1/series next to
 * /api/v1/read). Unlike a few probe reads, it sees series that exist only somewhere in the range.
 */
export async function listSourceSeries(
  lookup: SeriesLookup,
  signal: AbortSignal,
): Promise<Record<string, string>[]> {
  const url = seriesUrl(lookup.endpoint);
  const form = new URLSearchParams();
  const matches = lookup.selectors.map((s) => formatSelector(s.matchers));
  for (const match of matches.length > 0 ? matches : [EVERY_SERIES]) form.append("match[]", match);
  form.set("start", String(lookup.startMs / 1000));
  form.set("end", String(lookup.endMs / 1000));
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(lookup.timeoutMs)]);
  // The target's credentials and TLS settings, as its remote reads use them.
  const credentials = new SourceCredentials(lookup.auth);
  let source: HttpSource | undefined;
  try {
    const [tls, auth] = await Promise.all([credentials.tls(), credentials.headers()]);
    source = new HttpSource(url, tls);
    let response: IncomingMessage;
    try {
      response = await source.post(
        { ...auth, "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "ferry-agent" },
        Buffer.from(form.toString()),
        deadline,
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new SeriesApiUnavailableError(`${url} did not answer: ${describe(error)}`);
    }
    const text = await readCapped(response, lookup.maxResponseBytes, url, deadline);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      throw new SeriesApiUnavailableError(`${url} answered HTTP ${status}: ${text.trim().slice(0, 200)}`);
    }
    return parseSeries(text, url);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof SourceAuthError) throw new SeriesApiUnavailableError(error.message);
    throw error;
  } finally {
    source?.close();
  }
}

function parseSeries(text: string, url: string): Record<string, string>[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SeriesApiUnavailableError(`${url} did not answer with JSON`);
  }
  const { status, data } = (body ?? {}) as { status?: unknown; data?: unknown };
  if (status !== "success" || !Array.isArray(data)) {
    throw new SeriesApiUnavailableError(`${url} did not answer with a list of series`);
  }
  return data.filter((s): s is Record<string, string> => typeof s === "object" && s !== null);
}

/** http://prom:9090/prefix/api/v1/read → http://prom:9090/prefix/api/v1/series */
export function seriesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith(READ_PATH)) {
    throw new SeriesApiUnavailableError(`the remote-read URL ${endpoint} does not end in ${READ_PATH}`);
  }
  url.pathname = `${path.slice(0, -READ_PATH.length)}/api/v1/series`;
  return url.toString();
}

async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
  url: string,
  signal: AbortSignal,
): Promise<string> {
  const onAbort = () => response.destroy(new Error("timed out"));
  signal.addEventListener("abort", onAbort, { once: true });
  const pieces: Buffer[] = [];
  let bytes = 0;
  try {
    // Leaving the loop early (by throwing) destroys the rest of the response.
    for await (const piece of response as AsyncIterable<Buffer>) {
      bytes += piece.length;
      if (bytes > maxBytes) {
        throw new SeriesApiUnavailableError(`${url} answered with more than ${maxBytes} bytes`);
      }
      pieces.push(piece);
    }
  } catch (error) {
    if (error instanceof SeriesApiUnavailableError) throw error;
    if (signal.aborted) throw new SeriesApiUnavailableError(`${url} did not finish its answer in time`);
    throw new SeriesApiUnavailableError(`${url} broke off its answer: ${describe(error)}`);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return Buffer.concat(pieces).toString("utf8");
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
