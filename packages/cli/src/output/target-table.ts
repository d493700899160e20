import type { SourceAuth, Target } from "@ferry/api";
import { formatTable } from "./table";
import { formatTimestamp } from "./values";

/** Targets as a table; an AUTH column appears when some target has source credentials. */
export function formatTargetTable(targets: readonly Target[]): string {
  const withAuth = targets.some((t) => formatSourceAuth(t.auth) !== "-");
  return formatTable(
    ["CLUSTER", "NAME", "ENDPOINT", "CREATED", "UPDATED", ...(withAuth ? ["AUTH"] : [])],
    targets.map((t) => [
      t.clusterId,
      t.name,
      t.endpoint,
      formatTimestamp(t.createdAt),
      formatTimestamp(t.updatedAt),
      ...(withAuth ? [formatSourceAuth(t.auth)] : []),
    ]),
  );
}

/**
 * One line about a target's credentials, e.g. `basic alice (/etc/pw), X-Scope-OrgID=<redacted>`.
 * Header values arrive redacted from the gateway; they are masked here too, whatever arrives.
 */
export function formatSourceAuth(auth: SourceAuth | undefined): string {
  if (!auth) return "-";
  const parts: string[] = [];
  if (auth.bearerTokenFile) parts.push(`bearer (${auth.bearerTokenFile})`);
  if (auth.basicUsername || auth.basicPasswordFile) {
    parts.push(`basic ${auth.basicUsername}${auth.basicPasswordFile ? ` (${auth.basicPasswordFile})` : ""}`);
  }
  for (const name of Object.keys(auth.headers).sort()) parts.push(`${name}=<redacted>`);
  if (auth.caFile) parts.push(`ca ${auth.caFile}`);
  if (auth.insecureSkipVerify) parts.push("insecure-skip-verify");
  return parts.length > 0 ? parts.join(", ") : "-";
}
