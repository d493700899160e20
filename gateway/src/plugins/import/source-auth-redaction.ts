import type { SourceAuth, Target } from "@ferry/api";

/** What every API answer shows instead of a header value. */
export const REDACTED = "<redacted>";

/**
 * The target as the API shows it: header values (which may hold tenant ids or API keys) are
 * replaced by "<redacted>". File paths and the user name are not secrets and are shown.
 */
export function redactTarget(target: Target): Target {
  if (!target.auth) return target;
  return { ...target, auth: redactSourceAuth(target.auth) };
}

export function redactSourceAuth(auth: SourceAuth): SourceAuth {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(auth.headers)) headers[name] = REDACTED;
  return { ...auth, headers };
}
