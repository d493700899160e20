import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What enrollment left in the data dir: who the gateway knows this agent as. */
export interface StoredCredential {
  clusterId: string;
  credential: string;
}

const FILE = "credential.json";

/** A credential file that cannot be used; the message names the file. */
export class CredentialFileError extends Error {
  readonly code = "invalid_credential_file";
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

export function credentialPath(dataDir: string): string {
  return join(dataDir, FILE);
}

/** The stored credential, or undefined when the agent has not enrolled yet. */
export async function readCredential(dataDir: string): Promise<StoredCredential | undefined> {
  const path = credentialPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CredentialFileError(path, (error as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CredentialFileError(path, "is not JSON; remove it and enroll again with --bootstrap-token");
  }
  const { clusterId, credential } = (parsed ?? {}) as Partial<Record<keyof StoredCredential, unknown>>;
  if (typeof clusterId !== "string" || typeof credential !== "string" || credential === "") {
    throw new CredentialFileError(path, "lacks clusterId or credential; remove it and enroll again");
  }
  return { clusterId, credential };
}

/** Writes the credential readable by this user only, atomically (a torn file would lock the agent out). */
export async function writeCredential(dataDir: string, stored: StoredCredential): Promise<void> {
  const path = credentialPath(dataDir);
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(temporary, `${JSON.stringify(stored)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    throw new CredentialFileError(path, (error as Error).message);
  }
}
