import { createHash } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DiscoveredEntry } from "@ferry/api";
import type { ImportClient } from "../client";
import { codeName } from "../errors";

/** What `ferry discover --add` did with one discovered Prometheus. */
export interface AddOutcome {
  clusterId: string;
  /** The target name derived from the Prometheus's namespace and name. */
  name: string;
  endpoint: string;
  /** added | exists | exists as <name> | skipped: ... | failed: ... */
  result: string;
  ok: boolean;
}

const MAX_LABEL = 63;

/**
 * A target name for a discovered Prometheus: `<namespace>-<name>` as a DNS-1123 label. A name
 * longer than 63 characters keeps its first 56 and a hash of the whole, so two long names that
 * share a beginning still differ.
 */
export function targetNameFor(namespace: string, name: string): string {
  const full = `${namespace}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (full.length <= MAX_LABEL) return full;
  const hash = createHash("sha256").update(`${namespace}/${name}`).digest("hex").slice(0, 6);
  return `${full.slice(0, MAX_LABEL - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * Registers a target for every discovered Prometheus that has a remote-read URL. Targets that
 * exist are left alone: one with the derived name, or one of the cluster already reading the same
 * URL under another name.
 */
export async function addDiscoveredTargets(
  client: ImportClient,
  entries: readonly DiscoveredEntry[],
  call: { signal: AbortSignal },
): Promise<AddOutcome[]> {
  const existing = new Map<string, Promise<Map<string, string>>>();
  const endpointsOf = (clusterId: string) => {
    let known = existing.get(clusterId);
    if (!known) {
      known = client
        .listTargets({ clusterId }, call)
        .then((r) => new Map(r.targets.map((t) => [normalize(t.endpoint), t.name])));
      existing.set(clusterId, known);
    }
    return known;
  };
  const outcomes: AddOutcome[] = [];
  for (const { clusterId, target } of entries) {
    if (!target) continue;
    const name = targetNameFor(target.namespace, target.name);
    const endpoint = target.remoteReadUrl;
    const outcome = (result: string, ok = true) => outcomes.push({ clusterId, name, endpoint, result, ok });
    if (!endpoint) {
      outcome("skipped: no remote-read URL");
      continue;
    }
    const known = await endpointsOf(clusterId);
    const sameEndpoint = known.get(normalize(endpoint));
    if ([...known.values()].includes(name)) outcome("exists");
    else if (sameEndpoint) outcome(`exists as ${sameEndpoint}`);
    else {
      try {
        await client.addTarget({ clusterId, name, endpoint }, call);
        known.set(normalize(endpoint), name);
        outcome("added");
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
        if (err.code === Code.AlreadyExists) outcome("exists");
        else outcome(`failed: ${codeName(err.code)}: ${err.rawMessage}`, false);
      }
    }
  }
  return outcomes;
}

// The gateway stores endpoints as new URL(endpoint).toString(); compare them the same way.
function normalize(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
}
