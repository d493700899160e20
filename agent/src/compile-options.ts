/** Thrown for a bad option; `option` names the flag. */
export class AgentOptionError extends Error {
  readonly code = "invalid_option";
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`--${option}: ${problem}`);
  }
}

export function parseHostPort(option: string, value: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!match) throw new AgentOptionError(option, `"${value}" is not HOST:PORT`);
  const port = Number(match[2]);
  if (port > 65535) throw new AgentOptionError(option, `port ${port} is out of range`);
  return { host: (match[1] ?? "").replace(/^\[|\]$/g, "") || "0.0.0.0", port };
}

export function requireHttpUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AgentOptionError(option, `"${value}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AgentOptionError(option, `"${value}" must be an http or https URL`);
  }
  return value.replace(/\/$/, "");
}
