import { type GatewayTrust, parseFingerprint } from "@ferry/gateway-trust";

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

/**
 * --gateway-ca FILE or --gateway-ca-pin sha256:<hex>[,…] for the gateways at `urls`;
 * undefined leaves https:// to the system CAs.
 */
export function gatewayTrustFrom(
  urls: readonly string[],
  caFile: string | undefined,
  caPin: string | undefined,
): GatewayTrust | undefined {
  if (caFile === undefined && caPin === undefined) return undefined;
  const option = caPin !== undefined ? "gateway-ca-pin" : "gateway-ca";
  if (caFile !== undefined && caPin !== undefined) {
    throw new AgentOptionError(option, "give either --gateway-ca or --gateway-ca-pin, not both");
  }
  const plain = urls.find((url) => new URL(url).protocol !== "https:");
  if (plain) throw new AgentOptionError(option, `applies to https:// gateways, not ${plain}`);
  if (caPin === undefined) return { caFile };
  const pins = caPin.split(",").map((pin) => {
    const hex = parseFingerprint(pin);
    if (!hex) throw new AgentOptionError(option, `"${pin}" is not sha256:<64 hex digits>`);
    return hex;
  });
  return { pins };
}
