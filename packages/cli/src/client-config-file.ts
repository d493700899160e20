import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The management client's settings file, so a workstation need not repeat --server, the
 * gateway's pin and the admin token on every command:
 * `{"server": "https://gw:7443", "gatewayCaPin": "sha256:…", "token": "…"}` (or "gatewayCa"
 * for a CA file). Flags and FERRY_* variables win over it.
 */
export interface ClientConfigFile {
  readonly path: string;
  readonly values: Partial<Record<ClientConfigKey, string>>;
}

export type ClientConfigKey = "server" | "gatewayCa" | "gatewayCaPin" | "token";

const KEYS: readonly ClientConfigKey[] = ["server", "gatewayCa", "gatewayCaPin", "token"];

/** A config file that cannot be used; `key` names the setting concerned. */
export class ClientConfigFileError extends Error {
  override readonly name = "ClientConfigFileError";
}

/** $XDG_CONFIG_HOME/ferry/config.json, else ~/.config/ferry/config.json; undefined without either variable. */
export function clientConfigPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "ferry", "config.json");
  if (env.HOME) return join(env.HOME, ".config", "ferry", "config.json");
  return undefined;
}

/** The file's settings; undefined when there is no file. Unknown keys are refused, naming them. */
export function readClientConfigFile(
  env: Readonly<Record<string, string | undefined>>,
): ClientConfigFile | undefined {
  const path = clientConfigPath(env);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ClientConfigFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ClientConfigFileError(`${path} is not JSON; expected {"server": ..., "token": ...}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ClientConfigFileError(`${path} must hold a JSON object`);
  }
  const values: ClientConfigFile["values"] = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!KEYS.includes(key as ClientConfigKey)) {
      throw new ClientConfigFileError(`${path}: unknown key "${key}" (known: ${KEYS.join(", ")})`);
    }
    if (typeof value !== "string" || value.trim() === "") {
      throw new ClientConfigFileError(`${path}: "${key}" must be a non-empty string`);
    }
    values[key as ClientConfigKey] = value.trim();
  }
  return { path, values };
}
